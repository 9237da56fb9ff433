/** What electron-vite defines in the main bundle: `DEV` is true only under `electron-vite dev`. */
interface ImportMetaEnv {
  DEV: boolean;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
