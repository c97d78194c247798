/** The quoting helper: bash reads back exactly the word it was given, and shellcheck has nothing to say. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote, unquotable } from "../../src/util/shell.ts";
import { scratchFolders } from "../helpers.ts";

const scratch = scratchFolders("xpm-shell-");
const words = ["plain", "", "two words", "it's", '"dq"', "$HOME", "$(id)", "`id`", "a\nb", "tab\there", "*", "~", "~/x", "~user/x", "a=~/x", "-x", "é🌍", "\\", "!", "a'b'c", ";rm -rf ~;"];
const hostile = ["a\r\nb", "\r", "line\r\n#SBATCH --time=1\r\n", "\x01\x1b[31m\x7f", "x\\", "\\'", "'\\''", "$'x'", "\\x41", "#OAR -l core=64", "\u2028\u00a0"];

function readBack(list: readonly string[]): string[] {
  const r = spawnSync("bash", ["-c", `printf '%s\\0' ${shellJoin(list)}`], { encoding: "utf8", env: { HOME: "/nonexistent" } });
  return r.stdout.split("\0").slice(0, -1);
}

/** Random words over an alphabet of what shells and schedulers find hard. */
function randomWords(n: number, seed: number): string[] {
  const alphabet = ["a", " ", "'", '"', "\\", "$", "`", "~", "\n", "\r", "\t", "\x01", "!", "#", "*", "{", "}", "(", ")", "=", ":", "é", "🌍", "-", "/", ";", "&", "|"];
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, () => Array.from({ length: Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]!).join(""));
}

describe("shellQuote", () => {
  it("leaves safe words bare and quotes the rest", () => {
    expect(shellQuote("model.json")).toBe("model.json");
    expect(shellQuote("../../a/b-c_d=1,2:3@4%5+6")).toBe("../../a/b-c_d=1,2:3@4%5+6");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("two words")).toBe("'two words'");
  });

  it("writes control characters, $, backticks and a leading ~ in ANSI-C quotes, on one line", () => {
    expect(shellQuote("$HOME")).toBe("$'$HOME'");
    expect(shellQuote("~/x")).toBe("$'~/x'");
    expect(shellQuote("a\r\nb")).toBe("$'a\\r\\nb'");
    expect(shellQuote("it's $x \\ \x01")).toBe("$'it\\'s $x \\\\ \\x01'");
    for (const w of [...words, ...hostile]) expect(shellQuote(w)).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it("round-trips every word through a real bash", () => {
    expect(readBack(words)).toEqual(words);
    expect(readBack(hostile)).toEqual(hostile);
    const many = randomWords(500, 7);
    expect(readBack(many)).toEqual(many);
  });

  it.skipIf(spawnSync("shellcheck", ["--version"]).status !== 0 && !process.env.CI)("gives shellcheck nothing to warn about, even for ~/x, $HOME and random words", () => {
    const file = join(scratch(), "words.sh");
    const lines = [...words, ...hostile, ...randomWords(500, 11)].map((w) => `printf '%s\\n' ${shellQuote(w)}`);
    writeFileSync(file, `#!/usr/bin/env bash\n${lines.join("\n")}\nexport XPM_X=${shellQuote("~/x $HOME")}\n`);
    const r = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("refuses what no quoting can carry: NUL and unpaired surrogates", () => {
    expect(unquotable("a\r\nb")).toBeUndefined();
    expect(unquotable("ok 🌍")).toBeUndefined();
    expect(unquotable("a\u0000b")).toEqual({ index: 1, char: "\u0000", reason: "a NUL character (at character 2)" });
    expect(unquotable("x\uD800")?.reason).toMatch(/^an unpaired UTF-16 surrogate \(at character 2/);
    expect(unquotable("\uDC00")?.index).toBe(0);
    expect(() => shellQuote("a\u0000b")).toThrow(/internal: a NUL character/);
  });
});
