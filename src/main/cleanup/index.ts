/** The cleanup engine's public surface: validate rules, plan (read-only), apply (or dry-run). */
export { planCleanup, type PlanOptions } from './plan';
export { applyCleanup, type ApplyOptions } from './apply';
export { evaluateRules, validateRules, hasAnyRule, shortDigest, type CleanupInputRow } from './rules';
export { compilePattern, globToRegexSource, isSemverRelease, type TagPattern } from './patterns';
export { freedSpace, closure } from './freed';
export { readRepository, type ManifestNode, type RepositoryGraph } from './inspect';
export { runHttpGarbageCollect, GC_COMMAND_DOCKER, GC_COMMAND_DEBIAN } from './gc';
export { takeSnapshot, SNAPSHOT_MAX_AGE_MS, type TagSnapshot } from './snapshot';
export { RepositoryReadCache, READ_TTL_MS } from './read-cache';
