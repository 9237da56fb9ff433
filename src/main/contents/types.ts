/**
 * Plain, JSON-serialisable results of the contents engine: their one home is the contract's
 * src/shared/contents-types.ts, which the engine, the CLI's --json and the renderer share.
 */
export type {
  DirListing,
  FileNode,
  ImageFilesSummary,
  LayerFilesSummary,
  NodeStatus,
  TreeFilter,
  WastedPath,
} from '../../shared/contents-types';
