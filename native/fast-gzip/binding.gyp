{
  "targets": [
    {
      "target_name": "fast_gzip",
      "sources": ["fast_gzip.c"],
      "cflags": ["-O2"],
      "libraries": ["-ldeflate"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": {
        "OTHER_LDFLAGS": ["-ldeflate"]
      }
    }
  ]
}
