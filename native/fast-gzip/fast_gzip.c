/*
 * gzipMember(input: Buffer, level: number): Promise<Buffer>
 * Compresses one buffer into one complete gzip member with libdeflate, on the libuv thread pool.
 * Plain N-API so the same binary loads in Node and in Electron without a rebuild.
 */
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <node_api.h>

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref; /* keeps the input Buffer alive while a pool thread reads it */
  const void *in;
  size_t in_len;
  int level;
  void *out;
  size_t out_len;
  const char *error;
} job_t;

#if defined(_MSC_VER)
#define THREAD_LOCAL __declspec(thread)
#else
#define THREAD_LOCAL __thread
#endif

/* One compressor per pool thread, kept across calls: no per-block allocation of its tables. */
static THREAD_LOCAL struct libdeflate_compressor *tl_compressor;
static THREAD_LOCAL int tl_level = -1;

static struct libdeflate_compressor *compressor_for(int level) {
  if (tl_compressor && tl_level == level) return tl_compressor;
  if (tl_compressor) libdeflate_free_compressor(tl_compressor);
  tl_compressor = libdeflate_alloc_compressor(level);
  tl_level = tl_compressor ? level : -1;
  return tl_compressor;
}

static void execute(napi_env env, void *data) {
  (void)env;
  job_t *job = data;
  struct libdeflate_compressor *c = compressor_for(job->level);
  if (!c) {
    job->error = "libdeflate could not allocate a compressor";
    return;
  }
  size_t bound = libdeflate_gzip_compress_bound(c, job->in_len);
  job->out = malloc(bound > 0 ? bound : 1);
  if (!job->out) {
    job->error = "out of memory";
    return;
  }
  job->out_len = libdeflate_gzip_compress(c, job->in, job->in_len, job->out, bound);
  if (job->out_len == 0) job->error = "libdeflate_gzip_compress failed";
}

static void complete(napi_env env, napi_status status, void *data) {
  job_t *job = data;
  napi_value result;
  if (status == napi_ok && !job->error) {
    /* A copy, not an external buffer: the scratch output goes back to malloc at once instead of
       lingering (at its worst-case size) until V8 collects the Buffer; external buffers are also
       refused under Electron's V8 memory cage. */
    void *copy;
    if (napi_create_buffer_copy(env, job->out_len, job->out, &copy, &result) == napi_ok) {
      napi_resolve_deferred(env, job->deferred, result);
    } else {
      napi_value msg, err;
      napi_create_string_utf8(env, "gzipMember: out of memory for the result", NAPI_AUTO_LENGTH, &msg);
      napi_create_error(env, NULL, msg, &err);
      napi_reject_deferred(env, job->deferred, err);
    }
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, job->error ? job->error : "gzip job cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  }
  free(job->out);
  napi_delete_reference(env, job->input_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value gzip_member(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_type(env, "gzipMember(input: Buffer, level: number)");
  bool is_buffer = false;
  napi_is_buffer(env, argv[0], &is_buffer);
  if (!is_buffer) return throw_type(env, "gzipMember: input must be a Buffer");
  int32_t level;
  if (napi_get_value_int32(env, argv[1], &level) != napi_ok || level < 0 || level > 12)
    return throw_type(env, "gzipMember: level must be an integer from 0 to 12");

  job_t *job = calloc(1, sizeof(job_t));
  if (!job) return throw_type(env, "gzipMember: out of memory");
  void *in;
  napi_get_buffer_info(env, argv[0], &in, &job->in_len);
  job->in = in;
  job->level = level;
  napi_create_reference(env, argv[0], 1, &job->input_ref);

  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "fastGzipMember", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "gzipMember", NAPI_AUTO_LENGTH, gzip_member, NULL, &fn);
  napi_set_named_property(env, exports, "gzipMember", fn);
  return exports;
}
