// LoadParameters (an init task): puts the tuned parameters in the job folder, where evaluate.mjs reads them.
import { copyFileSync } from "node:fs";

const [from, into] = process.argv.slice(2);
copyFileSync(from, into);
console.log(`loaded ${from}`);
