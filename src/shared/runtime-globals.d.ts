/**
 * Shared code runs in Node (main) and in the browser (renderer), so its program sees neither
 * Node's typings nor the DOM's: only ES, plus the part of these globals that both runtimes have.
 */

/** A dropped or chosen file (the contract's `registerFile` takes one). */
interface File {
  readonly name: string;
  readonly size: number;
}

/** WHATWG URL, as far as shared code reads it. */
declare class URL {
  constructor(url: string, base?: string | URL);
  readonly hostname: string;
}
