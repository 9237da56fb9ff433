/** The referrer types live in src/shared (the contract carries them as they are); the engine imports them from here. */
export type * from '../../shared/supply-chain-types';
