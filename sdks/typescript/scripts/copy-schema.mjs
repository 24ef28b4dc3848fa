// tsc emits no .d.ts for a .d.ts source: copy the generated schema types beside the output.
import { copyFile } from "node:fs/promises";

await copyFile(new URL("../src/schema.d.ts", import.meta.url), new URL("../dist/schema.d.ts", import.meta.url));
