/** The cleanup engine's public surface: validate rules, plan (read-only), apply (or dry-run). */
export { planCleanup, type PlanOptions } from './plan';
export { applyCleanup, type ApplyOptions } from './apply';
export { evaluateRules, validateRules, hasAnyRule, shortDigest, type CleanupInputRow } from './rules';
export { compilePattern, globToRegexSource, isSemverRelease, type TagPattern } from './patterns';
export { freedSpace, closure } from './freed';
export { readRepository, type ManifestNode, type RepositoryGraph } from './inspect';
