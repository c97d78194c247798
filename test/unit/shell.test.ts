/** The quoting helper: bash reads back exactly the word it was given. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote } from "../../src/util/shell.ts";

const words = ["plain", "", "two words", "it's", '"dq"', "$HOME", "$(id)", "`id`", "a\nb", "tab\there", "*", "~", "-x", "é🌍", "\\", "!", "a'b'c", ";rm -rf ~;"];

describe("shellQuote", () => {
  it("leaves safe words bare and quotes the rest", () => {
    expect(shellQuote("model.json")).toBe("model.json");
    expect(shellQuote("../../a/b-c_d=1,2:3@4%5+6")).toBe("../../a/b-c_d=1,2:3@4%5+6");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("$HOME")).toBe("'$HOME'");
  });

  it("round-trips every word through a real bash", () => {
    const script = `printf '%s\\0' ${shellJoin(words)}`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { HOME: "/nonexistent" } });
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(words);
  });
});
