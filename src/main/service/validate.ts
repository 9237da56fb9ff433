/**
 * Argument schemas for every contract method (Conventions 3: the renderer is untrusted, so main
 * validates each argument at the boundary). Names are checked with the one reference grammar
 * (src/shared/reference.ts).
 */
import { z } from 'zod';
import type { ApiMethod, BerthApi } from '../../shared/api';
import { BerthError } from '../../shared/errors';
import { SHA256_FINGERPRINT_RE } from '../../shared/fingerprint';
import { isSha256Digest, isValidRepository, isValidTag, splitRepoTag } from '../../shared/reference';
import { validateRules } from '../cleanup/rules';
import { isValidHubNamespace } from '../registry/hub';

const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Optional argument: JSON turns `undefined` in an array into `null`, so both mean "absent". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

const registryId = z.string().regex(ID_RE, 'expected a registry id issued by Berth');
const repository = z
  .string()
  .max(255, 'a repository name has at most 255 characters')
  .refine(isValidRepository, 'expected a repository name such as library/alpine (lowercase letters, digits, . _ - and /)');
const tag = z.string().refine(isValidTag, 'expected a tag (letters, digits, _ . -, at most 128 characters, not starting with . or -)');
/** Registries serve sha256 digests only. */
const digest = z.string().refine(isSha256Digest, 'expected a digest such as sha256:<64 hex digits>');
const reference = z.union([tag, digest], { error: 'expected a tag or a sha256 digest' });
const handle = z.string().regex(ID_RE, 'expected a file handle issued by Berth');
const pushId = z.string().regex(ID_RE, 'expected a push id issued by Berth');
const page = z.strictObject({
  n: z.number().int().min(1).max(1000).optional(),
  last: z.string().max(1024).optional(),
});
const tlsSettings = z.strictObject({
  mode: z.enum(['verify', 'ca', 'pin', 'skip']),
  caPem: z
    .string()
    .max(1_000_000)
    .refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), 'expected PEM text with at least one "BEGIN CERTIFICATE" block')
    .optional(),
  caName: z.string().max(512).optional(),
  pinSha256: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine((s) => SHA256_FINGERPRINT_RE.test(s), 'expected a SHA-256 fingerprint such as AB:CD:… (32 hex pairs)')
    .optional(),
});
const registryFields = {
  url: z.string().trim().min(1, 'the registry address is empty').max(2048),
  name: z.string().trim().max(200).optional(),
  auth: z.enum(['auto', 'password', 'anonymous']).optional(),
  username: z.string().max(256).optional(),
  password: z.string().max(16384).optional(),
  insecure: z.boolean().optional(),
  tls: tlsSettings.optional(),
};
const registryInput = z.strictObject(registryFields);
const registryPatch = z.strictObject({ ...registryFields, url: registryFields.url.optional() });
/** A Docker Hub namespace (user or organisation). */
const namespace = z.string().refine(isValidHubNamespace, 'expected a Docker Hub user or organisation, e.g. library');
/** `repo` or `repo:tag`, the form a push target takes inside one registry. */
const pushTarget = z.string().refine((s) => {
  const { name, tag, digest } = splitRepoTag(s);
  return digest === undefined && isValidRepository(name) && (tag === undefined || isValidTag(tag));
}, 'expected repository[:tag], e.g. team/app:1.0');
const pushRequest = z.strictObject({
  handle,
  registryId,
  image: z.number().int().min(0).max(100_000).optional(),
  target: pushTarget.optional(),
  useOriginalTags: z.boolean().optional(),
  compression: z.enum(['gzip', 'none', 'zstd']).optional(),
});

// ---- supply chain and transfers (issue 14) ----
const keyId = z.string().regex(ID_RE, 'expected a key id issued by Berth');
const transferId = z.string().regex(ID_RE, 'expected a transfer id issued by Berth');
const keyScope = z.strictObject({ registryId, repository: z.union([repository, z.null()]).optional() });
const keyName = z.string().trim().min(1, 'give the key a name').max(100, 'a key name has at most 100 characters');
/** Public keys only: a private key is refused here, before it is kept anywhere (the engine refuses it again). */
const publicPem = z
  .string()
  .max(16 * 1024, 'a PEM public key has at most 16384 characters')
  .refine((s) => !/PRIVATE KEY/.test(s), 'that is a private key; give the public key (cosign.pub), never the private one')
  .refine((s) => s.includes('-----BEGIN PUBLIC KEY-----'), 'expected a PEM public key ("-----BEGIN PUBLIC KEY-----", e.g. cosign.pub)');
const platformArg = z.strictObject({
  os: z.string().regex(/^[a-z0-9._-]{1,64}$/i, 'expected an OS such as linux'),
  architecture: z.string().regex(/^[a-z0-9._-]{1,64}$/i, 'expected an architecture such as amd64'),
  variant: z.string().regex(/^[a-z0-9._-]{1,64}$/i, 'expected a variant such as v8').optional(),
});
const platformChoice = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('one'), platform: platformArg }),
  z.strictObject({ kind: z.literal('some'), platforms: z.array(platformArg).min(1, 'choose at least one platform').max(64) }),
]);
const saveRequest = z
  .strictObject({
    registryId,
    repository,
    reference,
    format: z.enum(['docker', 'oci']),
    platforms: platformChoice.optional(),
    withReferrers: z.boolean().optional(),
    forDrag: z.boolean().optional(),
  })
  .refine((r) => !(r.withReferrers && r.format === 'docker'), 'signatures and SBOMs are saved in the OCI format only; choose OCI or leave them out');
const copyRequest = z.strictObject({
  registryId,
  repository,
  reference,
  target: z.strictObject({ registryId, repository, tag }),
  platforms: platformChoice.optional(),
  withReferrers: z.boolean().optional(),
});
const deleteOptions = z.strictObject({ referrers: z.array(digest).max(10_000).optional() });
const referrerItem = z.strictObject({
  digest,
  subject: digest,
  kind: z.enum(['signature', 'attestation', 'sbom', 'other', 'fallback-index']),
  tags: z.array(tag).max(10_000),
  bytes: z.number().min(0),
});
const referrerSummary = z.strictObject({ items: z.array(referrerItem).max(1_000_000), tags: z.array(tag).max(1_000_000), bytes: z.number().min(0) });

/** Rules go through the engine's own validator, so the service and the CLI refuse the same things. */
const cleanupRules = z.unknown().transform((value, ctx) => {
  try {
    return validateRules(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err instanceof Error ? err.message : String(err)).replace(/\.$/, '') });
    return z.NEVER;
  }
});
const count = z.number().int().min(0).max(10_000_000);
const cleanupRow = z.strictObject({
  tag,
  digest,
  created: z.string().max(256).nullable(),
  size: z.number().min(0).nullable(),
  decision: z.enum(['delete', 'keep', 'protected']),
  reason: z.string().max(4096),
});
const cleanupDigest = z.strictObject({ digest, tags: z.array(tag).max(100_000) });
/**
 * A plan as planCleanup returned it. Beyond the shape, every tag apply is told to delete must be a
 * `delete` row on that digest: a plan edited to name a kept tag is refused before any request.
 */
const cleanupPlan = z
  .strictObject({
    repository,
    rules: cleanupRules,
    evaluatedAt: z.string().max(64),
    tags: z.array(cleanupRow).max(1_000_000),
    deleteDigests: z.array(cleanupDigest).max(1_000_000),
    freedBytes: z.number().min(0),
    untaggedChildren: z.array(digest).max(1_000_000),
    keptCount: count,
    deleteCount: count,
    protectedCount: count,
    referrers: referrerSummary.optional(),
  })
  .superRefine((plan, ctx) => {
    const subjects = new Set([...plan.deleteDigests.map((d) => d.digest), ...plan.untaggedChildren, ...(plan.referrers?.items ?? []).map((i) => i.digest)]);
    const stray = plan.referrers?.items.find((i) => !subjects.has(i.subject));
    if (stray) {
      ctx.addIssue({ code: 'custom', path: ['referrers'], message: `referrer ${stray.digest} refers to ${stray.subject}, which this plan does not delete; plan the cleanup again` });
      return;
    }
    const rows = new Map(plan.tags.map((r) => [r.tag, r]));
    for (const d of plan.deleteDigests) {
      const bad = d.tags.find((t) => rows.get(t)?.decision !== 'delete' || rows.get(t)?.digest !== d.digest);
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['deleteDigests'], message: `tag "${bad}" is not a delete row of ${d.digest} in this plan; plan the cleanup again` });
        return;
      }
    }
  });
const applyOptions = z.strictObject({ dryRun: z.boolean() });
/** A tag or a digest of a repository, selected for a reclaim estimate. */
const reclaimItem = z.union([z.strictObject({ repository, tag }), z.strictObject({ repository, digest })], {
  error: 'expected { repository, tag } or { repository, digest }',
});

// ---- inside the image (issue 13) ----
const imagePlatform = z.strictObject({
  os: z.string().min(1).max(64),
  architecture: z.string().min(1).max(64),
  variant: z.string().max(64).optional(),
  osVersion: z.string().max(128).optional(),
});
/** A saved registry's image by tag or digest, or image N of an archive main issued the handle for. */
const filesSource = z.union(
  [
    z.strictObject({ registryId, repository, reference, platform: imagePlatform.optional() }),
    z.strictObject({ fileHandle: handle, image: z.number().int().min(0).max(100_000) }),
  ],
  { error: 'expected {registryId, repository, reference} or {fileHandle, image}' },
);
/** A path inside an image (not a host path: it is only ever looked up in the image's merged tree). */
const imagePath = z.string().max(4096, 'a path has at most 4096 characters').refine((s) => !s.includes('\0'), 'a path cannot contain NUL');
const treeFilter = {
  layer: z.number().int().min(0).max(15_999).optional(),
  show: z.array(z.enum(['added', 'changed', 'removed', 'unchanged'])).min(1).max(4).optional(),
};
const listOptions = z.strictObject({ ...treeFilter, offset: z.number().int().min(0).max(10_000_000).optional(), limit: z.number().int().min(1).max(5000).optional() });
const searchOptions = z.strictObject({ ...treeFilter, limit: z.number().int().min(1).max(5000).optional() });
const glob = z.string().trim().min(1, 'the search pattern is empty').max(1024);
const diffOptions = z.strictObject({
  filter: z.enum(['all', 'added', 'removed', 'changed', 'maybe']).optional(),
  offset: z.number().int().min(0).max(10_000_000).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});

type Arg = readonly [name: string, schema: z.ZodType];
const spec = (...args: Arg[]) => args;

/** Argument names and schemas per method; the Record makes a missing method a compile error. */
export const METHOD_ARGS: Record<ApiMethod, readonly Arg[]> = {
  listRegistries: spec(),
  addRegistry: spec(['input', registryInput]),
  updateRegistry: spec(['id', registryId], ['patch', registryPatch]),
  removeRegistry: spec(['id', registryId]),
  reorderRegistries: spec(['ids', z.array(registryId).max(1000)]),
  checkRegistry: spec(['id', registryId]),
  checkRegistryDraft: spec(['input', registryPatch], ['id', optional(registryId)]),
  pinRepository: spec(['id', registryId], ['repository', z.string().trim().min(1, 'the repository name is empty').max(300)]),
  unpinRepository: spec(['id', registryId], ['repository', z.string().max(300)]),
  listNamespace: spec(['id', registryId], ['namespace', namespace], ['page', optional(z.number().int().min(1).max(100_000))]),
  getSecretStorage: spec(),
  listRepositories: spec(['id', registryId], ['page', optional(page)]),
  listTags: spec(['id', registryId], ['repository', repository], ['page', optional(page)]),
  getTagDetail: spec(['id', registryId], ['repository', repository], ['tag', tag]),
  getManifest: spec(['id', registryId], ['repository', repository], ['reference', reference]),
  planDelete: spec(['id', registryId], ['repository', repository], ['reference', reference]),
  deleteManifest: spec(
    ['id', registryId],
    ['repository', repository],
    ['digest', digest],
    ['confirmedTags', z.array(tag).max(100_000)],
    ['options', optional(deleteOptions)],
  ),
  inspectArchive: spec(['handle', handle]),
  releaseFile: spec(['handle', handle]),
  startPush: spec(['request', pushRequest]),
  cancelPush: spec(['pushId', pushId]),
  listPushes: spec(),
  planCleanup: spec(['id', registryId], ['repository', repository], ['rules', cleanupRules]),
  applyCleanup: spec(['id', registryId], ['plan', cleanupPlan], ['options', applyOptions]),
  runGarbageCollect: spec(['id', registryId]),
  getSupplyChain: spec(['id', registryId], ['repository', repository], ['digest', digest]),
  planReferrerDelete: spec(['id', registryId], ['repository', repository], ['digest', digest]),
  listSigningKeys: spec(),
  addSigningKey: spec(['scope', keyScope], ['name', keyName], ['pem', publicPem]),
  removeSigningKey: spec(['keyId', keyId]),
  startSave: spec(['request', saveRequest]),
  startCopy: spec(['request', copyRequest]),
  cancelTransfer: spec(['transferId', transferId]),
  listTransfers: spec(),
  openImageFiles: spec(['source', filesSource], ['options', optional(z.strictObject({ ifCached: z.boolean().optional() }))]),
  listImageFiles: spec(['source', filesSource], ['path', imagePath], ['options', optional(listOptions)]),
  findImageFiles: spec(['source', filesSource], ['glob', glob], ['options', optional(searchOptions)]),
  biggestImageFiles: spec(['source', filesSource], ['options', optional(searchOptions)]),
  readImageFile: spec(['source', filesSource], ['path', imagePath]),
  saveImageFiles: spec(['source', filesSource], ['path', imagePath]),
  diffImages: spec(['a', filesSource], ['b', filesSource], ['options', optional(diffOptions)]),
  cancelImageFiles: spec(['source', filesSource]),
  startIndex: spec(['id', registryId], ['options', optional(z.strictObject({ restart: z.boolean().optional() }))]),
  cancelIndex: spec(['id', registryId]),
  getIndexStatus: spec(['id', registryId]),
  getTagDigests: spec(['id', registryId], ['repository', repository]),
  getStorage: spec(['id', registryId]),
  getRepositoryStorage: spec(['id', registryId], ['repository', repository]),
  estimateReclaim: spec(
    ['id', registryId],
    ['selection', z.array(reclaimItem).min(1, 'select at least one tag or digest').max(100_000)],
    ['options', optional(z.strictObject({ refresh: z.boolean().optional() }))],
  ),
  searchIndex: spec(
    ['id', registryId],
    ['query', z.string().max(1000, 'a search has at most 1000 characters')],
    ['options', optional(z.strictObject({ limit: z.number().int().min(1).max(10_000).optional() }))],
  ),
};

/** A zod tuple schema per method, for callers that want the schema itself. */
export const METHOD_SCHEMAS = Object.fromEntries(
  Object.entries(METHOD_ARGS).map(([m, args]) => [m, z.tuple(args.map(([, s]) => s) as [z.ZodType, ...z.ZodType[]])]),
) as unknown as Record<ApiMethod, z.ZodType<unknown[]>>;

/**
 * Checks `args` for `method` and returns them padded to the method's arity (so a trailing
 * AbortSignal lands in the right place); throws INVALID_ARGUMENT naming the argument.
 */
export function validateArgs<M extends ApiMethod>(method: M, args: unknown): Parameters<BerthApi[M]> {
  const specs = METHOD_ARGS[method];
  if (!Array.isArray(args)) {
    throw new BerthError('INVALID_ARGUMENT', `Arguments of ${method} must be a list. This is a bug in the caller; please report it.`);
  }
  if (args.length > specs.length) {
    throw new BerthError('INVALID_ARGUMENT', `${method} takes at most ${specs.length} argument(s) but got ${args.length}. This is a bug in the caller; please report it.`);
  }
  const out: unknown[] = [];
  specs.forEach(([name, schema], i) => {
    const r = schema.safeParse(args[i]);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue && issue.path.length ? `${name}.${issue.path.join('.')}` : name;
      throw new BerthError(
        'INVALID_ARGUMENT',
        `Invalid argument "${where}" for ${method}: ${issue?.message ?? 'not valid'}. Correct the value and try again.`,
        { argument: where },
      );
    }
    out.push(r.data);
  });
  return out as Parameters<BerthApi[M]>;
}
