/** The requirement grammar: valid strings and their values; invalid ones with code and caret. */
import { describe, expect, it } from "vitest";
import { RequirementsParser, grammarLexer } from "../../grammars/requirements.ts";
import { parseRequirement, multiplyDuration, type HostRequirement } from "../../src/resolve/requirements.ts";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TiB = 1024 ** 4;
type H = Partial<HostRequirement> & { gpus?: [string, number | undefined][] };
const host = (h: H): HostRequirement => ({
  duration: h.duration,
  cores: h.cores ?? 1,
  memory: h.memory,
  accelerators: (h.gpus ?? []).map(([type, memory]) => ({ type: type as "gpu", memory })),
});

const valid: [string, H[]][] = [
  ["cpu()", [{}]],
  ["cpu(cores=4)", [{ cores: 4 }]],
  ["cpu(mem=16GiB)", [{ memory: 16 * GiB }]],
  ["cpu(cores=2, mem=500M)", [{ cores: 2, memory: 500e6 }]],
  ["cpu(mem=2G,cores=8)", [{ cores: 8, memory: 2e9 }]],
  ["cpu(mem=1T)", [{ memory: 1e12 }]],
  ["cpu(mem=512MiB)", [{ memory: 512 * MiB }]],
  ["cpu(mem=2TiB)", [{ memory: 2 * TiB }]],
  ["cpu(mem=1.5GiB)", [{ memory: 1.5 * GiB }]],
  ["cpu(mem=100MB)", [{ memory: 100e6 }]],
  ["duration=30m", [{ duration: 1800 }]],
  ["duration=45min", [{ duration: 2700 }]],
  ["duration=10mins", [{ duration: 600 }]],
  ["duration=4h", [{ duration: 14400 }]],
  ["duration=1hour", [{ duration: 3600 }]],
  ["duration=2hours", [{ duration: 7200 }]],
  ["duration=1d", [{ duration: 86400 }]],
  ["duration=1day", [{ duration: 86400 }]],
  ["duration=3days", [{ duration: 259200 }]],
  ["duration=1.5h", [{ duration: 5400 }]],
  ["gpu()", [{ gpus: [["gpu", undefined]] }]],
  ["gpu(mem=24GiB)", [{ gpus: [["gpu", 24 * GiB]] }]],
  ["cuda(mem=80GiB)*4", [{ gpus: Array(4).fill(["cuda", 80 * GiB]) }]],
  ["mps() * 1", [{ gpus: [["mps", undefined]] }]],
  ["gpu(mem=2GiB) * 2", [{ gpus: [["gpu", 2 * GiB], ["gpu", 2 * GiB]] }]],
  ["  duration = 2h  &  cpu ( cores = 3 )  ", [{ duration: 7200, cores: 3 }]],
  ["duration=4h&cpu(cores=2)&duration=6h&cpu(cores=1, mem=1G)", [{ duration: 21600, cores: 2, memory: 1e9 }]],
  ["gpu(mem=8GiB) & cuda(mem=24GiB)", [{ gpus: [["cuda", 24 * GiB], ["gpu", 8 * GiB]] }]],
  ["cpu(cores=1) | cpu(cores=2)", [{ cores: 1 }, { cores: 2 }]],
  [
    "duration=4h & cpu(cores=4, mem=16GiB) & gpu(mem=24GiB)*2 | duration=8h & cpu(cores=4)",
    [
      { duration: 14400, cores: 4, memory: 16 * GiB, gpus: [["gpu", 24 * GiB], ["gpu", 24 * GiB]] },
      { duration: 28800, cores: 4 },
    ],
  ],
];

const invalid: [string, string, string][] = [
  // [spec, code, caret line]
  ["cpu(mem=16)", "XPM402", "        ^^"],
  ["duration=4", "XPM402", "         ^"],
  ["duration=4x", "XPM402", "          ^"],
  ["cpu(mem=4Gb)", "XPM402", "         ^^"],
  ["gpu(mem=24)*2", "XPM402", "        ^^"],
  ["duration=2weeks", "XPM402", "          ^^^^^"],
  ["cpu(cores=)", "XPM401", "          ^"],
  ["cpu(cores=0)", "XPM403", "          ^"],
  ["cpu(cores=1.5)", "XPM403", "          ^^^"],
  ["gpu()*0", "XPM403", "      ^"],
  ["gpu()*1.5", "XPM403", "      ^^^"],
  ["cpu(cores=2) &", "XPM401", "              ^"],
  ["cpu(cores=2) |", "XPM401", "              ^"],
  ["cpu(cores=2", "XPM401", "           ^"],
  ["cpu cores=2)", "XPM401", "    ^^^^^"],
  ["cpu(cores=2))", "XPM401", "            ^"],
  ["ram(mem=4G)", "XPM401", "^^^"],
  ["cpu(threads=2)", "XPM401", "    ^^^^^^^"],
  ["cpu(cores=2) cpu(cores=3)", "XPM401", "             ^^^"],
  ["", "XPM401", "^"],
  ["cpu(cores=2) $", "XPM401", "             ^"],
  ["gpu(mem=2GiB)*", "XPM401", "              ^"],
  ["duration 4h", "XPM401", "         ^"],
  ["& cpu()", "XPM401", "^"],
];

describe("requirement strings: valid", () => {
  it("has at least 25 cases", () => expect(valid.length).toBeGreaterThanOrEqual(25));
  for (const [spec, expected] of valid) {
    it(JSON.stringify(spec), () => {
      const r = parseRequirement(spec);
      expect(r.ok ? r.value : r.error).toEqual(expected.map(host));
    });
  }
});

describe("requirement strings: invalid", () => {
  it("has at least 20 cases", () => expect(invalid.length).toBeGreaterThanOrEqual(20));
  for (const [spec, code, caret] of invalid) {
    it(`${JSON.stringify(spec)} -> ${code}`, () => {
      const r = parseRequirement(spec);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(code);
      expect(r.error.excerpt).toBe(`${spec}\n${caret}`);
      expect(r.error.message).toMatch(/^invalid requirement at column \d+: /);
      expect(r.error.message).not.toContain("-->");
      expect(r.error.hint).toBeTruthy();
    });
  }

  it("says what was expected", () => {
    const r = parseRequirement("cpu(cores=2) &");
    expect(!r.ok && r.error.message).toContain("expected duration=N<unit>, cpu(...), gpu(...), cuda(...) or mps(...), found the end of the string");
    const unit = parseRequirement("cpu(mem=16)");
    expect(!unit.ok && unit.error.hint).toContain("GiB");
  });
});

describe("durations can be multiplied for a retry", () => {
  it("multiplies every alternative's duration", () => {
    const r = parseRequirement("duration=2h & cpu(cores=1) | cpu(cores=2)");
    expect(r.ok && multiplyDuration(r.value, 1.5).map((h) => h.duration)).toEqual([10800, undefined]);
  });
});

describe("the requirements grammar", () => {
  it("passes chevrotain's own checks of its rules and tokens (parses skip them to start faster)", () => {
    expect(() => grammarLexer(true)).not.toThrow();
    expect(() => new RequirementsParser(true)).not.toThrow();
  });
});
