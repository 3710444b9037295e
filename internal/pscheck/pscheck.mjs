// pscheck.mjs: syntax-check PowerShell files with tree-sitter-powershell.
// Usage: PSCHECK_NODE_MODULES=/path/to/node_modules node --liftoff-only pscheck.mjs FILE...
// Prints FILE:LINE:COL: message for every ERROR or MISSING node and exits 1
// when any is found, 2 on a setup problem, 0 when every file parses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const mods = process.env.PSCHECK_NODE_MODULES;
if (!mods) {
  console.error("pscheck: set PSCHECK_NODE_MODULES to the node_modules folder");
  process.exit(2);
}
const { Parser, Language } = await import(pathToFileURL(join(mods, "web-tree-sitter", "web-tree-sitter.js")).href);
await Parser.init();
const lang = await Language.load(join(mods, "tree-sitter-powershell", "tree-sitter-powershell.wasm"));
const parser = new Parser();
parser.setLanguage(lang);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const tree = parser.parse(text);
  const stack = [tree.rootNode];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n.isError || n.isMissing) {
      const p = n.startPosition;
      const what = n.isMissing ? `missing ${n.type}` : `syntax error near ${JSON.stringify(n.text.slice(0, 40))}`;
      console.log(`${file}:${p.row + 1}:${p.column + 1}: ${what}`);
      bad++;
      continue;
    }
    if (!n.hasError && !n.isMissing) {
      continue;
    }
    for (let i = n.childCount - 1; i >= 0; i--) {
      stack.push(n.child(i));
    }
  }
}
process.exit(bad > 0 ? 1 : 0);
