/** The registry engine's public surface: client, references, browse, manifests, summaries, delete, doctor. */
export { RegistryClient, type ClientOptions, type LearnedScheme, type ProbeResult } from './client';
export { readText, bodyText, mapFailure } from './responses';
export { parseReference, registryConfigFromInput, canonicalHost, type ParsedReference } from './reference';
export { checkRegistry, emptyCheck } from './check';
export { listRepositories, listAllRepositories, listTags, listAllTags } from './browse';
export { fetchManifest, headManifest, fetchBlobBytes, readCapped, type FetchedManifest } from './manifest';
export { digestOf } from './digest';
export { getTagDetail, getManifestSummary } from './summary';
export { planDelete, deleteManifest, deleteDigest, readTagDigests, tagsPointingAt, DELETE_DISABLED_MESSAGE } from './delete';
export { scopeString, scopeStrings, basicHeader, TokenCache, OAUTH_CLIENT_ID } from './auth';
export { parseRateLimit, parseRateLimitValue } from './rate-limit';
export { listHubNamespace, isValidHubNamespace, hubNextPage, DOCKER_HUB_WEB_API, HUB_PAGE_SIZE, type HubListOptions } from './hub';
export { parseChallenges, bearerChallenge, type Challenge } from './challenge';
export { parseLinkNext, nextCursor, clampPageSize, MAX_PAGE_SIZE } from './paging';
export { parseErrorBody, httpError, networkError, type SpecError } from './errors';
export * from './media-types';
export { alignHistory, readPlatform, readDescriptor, readImageManifest, imageSize, isAttestation } from './image-config';
export type { RegistryConfig, RegistryRequest, RegistryResponse, Scope, RepositoryScope, Action } from './types';
