/** Job filters: valid strings and the jobs they select; invalid ones with code, column and caret. */
import { describe, expect, it } from "vitest";
import { FilterParser, grammarLexer } from "../../grammars/filter.ts";
import { parseFilter } from "../../src/util/filter-parse.ts";
import { matches, type FilterSubject } from "../../src/util/filter.ts";
import { XpmError, type Diagnostic } from "../../src/model/diagnostics.ts";

/** A few jobs, params shaped as in a params.json (golden/grid/jobs/grid.train/.../params.json). */
const jobs: Record<string, FilterSubject> = {
  A: {
    state: "done",
    task: "grid.Train",
    tags: { lr: 0.1, seed: 1, model: "bm25" },
    params: {
      $type: "grid.Train",
      $id: "85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c",
      lr: 0.1,
      seed: 1,
      epochs: 200,
      flag: true,
      out: "model.json",
      encoder: { $type: "grid.Encoder", $id: "05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816", layers: 4, "hidden-size": 128, act: { kind: "relu" } },
    },
  },
  B: {
    state: "failed",
    reason: "timeout",
    task: "grid.Evaluate",
    tags: { seed: 2, model: "splade", "my-tag": "x", empty: "", tab: "a\tb" },
    params: { $type: "grid.Evaluate", $id: "302e38bb", samples: 1000, seed: "2", lr: 1, metrics: "metrics.json" },
  },
  C: {
    state: "blocked",
    task: "grid.Report",
    tags: {},
    params: { $type: "grid.Report", $id: "d33e326c", metrics: ["../../grid.evaluate/2c18/metrics.json"], flag: false },
  },
  D: {
    state: "not submitted",
    task: "grid.Train",
    tags: { lr: 0.01, seed: 2, mode: "debug", model: "bm25" },
    params: { $type: "grid.Train", $id: "3a8de950", lr: 0.01, seed: 2, encoder: { $type: "grid.Encoder", $id: "ed15", layers: 2 } },
  },
  E: { state: "queued", task: "grid.Train", tags: { seed: 3, "a.b": "tag" }, params: { lr: 0.3, a: { b: "param" } } },
  F: { state: "running", task: "other.mod.FineTune", tags: {}, params: {} },
  G: { state: "failed:dependency", task: "grid.Evaluate", tags: {}, params: {} },
  H: { state: "todo", task: "grid.Train", tags: {}, params: {} },
};

/** [filter, the jobs it selects] */
const valid: [string, string][] = [
  // states: experimaestro's names (either case), ours, and the mapping between them
  ['@state = "DONE"', "A"],
  ['@state = "done"', "A"],
  ["@state='Done'", "A"],
  ['@state = "ERROR"', "BCG"],
  ['@state = "error"', "BCG"],
  ['@state = "failed"', "BG"],
  ['@state = "failed:timeout"', "B"],
  ['@state = "FAILED:DEPENDENCY"', "G"],
  ['@state = "blocked"', "C"],
  ['@state = "RUNNING"', "F"],
  ['@state = "SCHEDULED"', "E"],
  ['@state = "queued"', "E"],
  ['@state = "UNSCHEDULED"', "DH"],
  ['@state = "not submitted"', "D"],
  ['@state = "not_submitted"', "D"],
  ['@state = "todo"', "H"],
  ['@state = "WAITING"', ""],
  ['@state = "READY"', ""],
  ['@state = "TRANSIENT"', ""],
  ['@state in ["DONE", "ERROR"]', "ABCG"],
  ['@state not in ["DONE", "ERROR"]', "DEFH"],
  ['@state = "RUNNING" or @state = "SCHEDULED"', "EF"],
  ['@state ~ "ERR"', "BCG"],
  ['@state ~ "fail"', "BG"],
  ['@state ~ "not"', "D"],
  // @name: re.match (anchored at the start only), without regard to case
  ['@name = "grid.Train"', "ADEH"],
  ['@name = "grid.train"', "ADEH"],
  ['@name in ["grid.evaluate", "grid.Report"]', "BCG"],
  ['@name ~ "Train"', ""],
  ['@name ~ ".*Train"', "ADEH"],
  ['@name ~ ".*train$"', "ADEH"],
  ['@name ~ "grid\\."', "ABCDEGH"],
  ['@name ~ "other|grid.R"', "CF"],
  ['@name ~ ".*tune"', "F"],
  ['@name ~ "(?P<pkg>\\w+)\\.(?P=pkg)"', ""],
  ['@name ~ "(?P<pkg>grid)\\.\\w+\\Z"', "ABCDEGH"],
  ['@name ~ "\\Agrid"', "ABCDEGH"],
  ['@name ~ "[]g]rid"', "ABCDEGH"],
  // tags, then params; values keep their type
  ['model = "bm25"', "AD"],
  ["model = 'bm25'", "AD"],
  ['model = "bm25" and seed = 1', "A"],
  ["lr = 0.1", "A"],
  ["lr = 1e-1", "A"],
  ["lr = .1", "A"],
  ['lr = "0.1"', ""],
  ["lr = 1", "B"],
  ["lr = 1.0", "B"],
  ['seed = "1"', ""],
  ["seed = 2", "BD"],
  ["seed in [1, 2]", "ABD"],
  ["seed in [1,2,3]", "ABDE"],
  ['seed in ["2"]', ""],
  ["samples = 1000", "B"],
  ["epochs = 200", "A"],
  ["flag = true", "A"],
  ["flag = false", "C"],
  ['flag = "true"', ""],
  ['model not in ["bm25"]', "BCEFGH"],
  ['model  not  in ["a"]', "ABCDEFGH"],
  ['mode not in ["debug", "test"]', "ABCEFGH"],
  ['my-tag = "x"', "B"],
  ['empty = ""', "B"],
  ['empty ~ ".*"', ""],
  ['metrics = "metrics.json"', "B"],
  ['out ~ "model"', "A"],
  ['seed ~ "1"', ""],
  // sub-config params by dotted name; a tag of that name wins
  ["encoder.layers = 4", "A"],
  ["encoder.layers in [2, 4]", "AD"],
  ["encoder.hidden-size = 128", "A"],
  ['encoder.act.kind = "relu"', "A"],
  ['encoder.missing = "x"', ""],
  ['encoder = "grid.Encoder"', ""],
  ['a.b = "tag"', "E"],
  ['a.b = "param"', ""],
  // strings: pyparsing's whitespace escapes, other backslashes kept, the other quote inside
  ['my-tag ~ "\\x78"', "B"],
  ['tab = "a\\tb"', "B"],
  ['tab = "a\\\\tb"', ""],
  ['tab ~ "a\\sb"', "B"],
  ["model = 'bm\"25'", ""],
  // missing names: equal nothing, so negations hold
  ['nothing = "x"', ""],
  ['nothing not in ["x"]', "ABCDEFGH"],
  ['not nothing = "x"', "ABCDEFGH"],
  // not, and, or, parentheses
  ['not @state = "DONE"', "BCDEFGH"],
  ['not not @state = "DONE"', "A"],
  ['@state = "ERROR" and model = "splade"', "B"],
  ['model = "bm25" and seed = 2 and @state = "UNSCHEDULED"', "D"],
  ['model = "splade" or seed = 3 or @name ~ ".*tune"', "BEF"],
  ['(@state = "DONE" or @state = "ERROR") and seed = 2', "B"],
  ['@state = "DONE" or (@state = "ERROR" and seed = 2)', "AB"],
  ['not (model in ["bm25"] or @state = "ERROR")', "EFH"],
  ['((seed = 1))', "A"],
  ['model="bm25"and@state="done"', "A"],
  ["  seed\t=\n1  ", "A"],
];

/** [filter, code, caret line] */
const invalid: [string, string, string][] = [
  ["", "XPM910", "^"],
  ["   ", "XPM910", "^"],
  ["model", "XPM910", "     ^"],
  ["model =", "XPM910", "       ^"],
  ["model = bm25", "XPM910", "        ^^^^"],
  ['model == "bm25"', "XPM910", "       ^"],
  ['model != "bm25"', "XPM910", "      ^"],
  ['"bm25" = model', "XPM910", "^^^^^^"],
  ['model = "bm25', "XPM910", "        ^^^^^"],
  ["model = 'bm25\"", "XPM910", "        ^^^^^^"],
  ['model = "bm25" && seed = 1', "XPM910", "               ^"],
  ['model = "bm25" | seed = 1', "XPM910", "               ^"],
  ['model = "bm25" seed = 1', "XPM910", "               ^^^^"],
  ['model = "bm25" and', "XPM910", "                  ^"],
  ['model = "bm25" or seed = 1 and x = 2', "XPM910", "                           ^^^"],
  ['a = 1 and b = 2 or c = 3', "XPM910", "                ^^"],
  ['(model = "bm25"', "XPM910", "               ^"],
  ['model = "bm25")', "XPM910", "              ^"],
  ["()", "XPM910", " ^"],
  ['model in "bm25"', "XPM910", "         ^^^^^^"],
  ["model in []", "XPM910", "          ^"],
  ['model in ["a" "b"]', "XPM910", "              ^^^"],
  ['model in ["a",]', "XPM910", "              ^"],
  ['model not ["a"]', "XPM910", "          ^"],
  ["model ~ bm", "XPM910", "        ^^"],
  ["model ~ 1", "XPM910", "        ^"],
  ['model AND seed = 1', "XPM910", "      ^^^"],
  ['model.= "x"', "XPM910", "     ^"],
  ['@ state = "DONE"', "XPM910", "^"],
  ['@status = "DONE"', "XPM911", "^^^^^^^"],
  ['@State = "DONE"', "XPM911", "^^^^^^"],
  ['@state = "FINISHED"', "XPM911", "         ^^^^^^^^^^"],
  ['@state in ["DONE", "DONEE"]', "XPM911", "                   ^^^^^^^"],
  ['@state = "failed:boom"', "XPM911", "         ^^^^^^^^^^^^^"],
  ["@state = 1", "XPM911", "         ^"],
  ["@name = true", "XPM911", "        ^^^^"],
  ['@name ~ "("', "XPM912", "        ^^^"],
  ['model ~ "[a-"', "XPM912", "        ^^^^^"],
  ['@name ~ "(?x)a b"', "XPM912", "        ^^^^^^^^^"],
];

function errorOf(text: string): Diagnostic | undefined {
  try {
    parseFilter(text);
    return undefined;
  } catch (e) {
    if (e instanceof XpmError) return e.diagnostics[0];
    throw e;
  }
}

describe("filters: valid, and the jobs they select", () => {
  it("has at least 60 cases", () => expect(valid.length).toBeGreaterThanOrEqual(60));
  for (const [text, expected] of valid) {
    it(`${JSON.stringify(text)} -> ${expected || "none"}`, () => {
      const filter = parseFilter(text);
      const selected = Object.keys(jobs).filter((k) => matches(filter, jobs[k]!));
      expect(selected.join("")).toBe(expected);
    });
  }
});

describe("filters: invalid, with code, column and caret", () => {
  it("has at least 30 cases", () => expect(invalid.length).toBeGreaterThanOrEqual(30));
  for (const [text, code, caret] of invalid) {
    it(`${JSON.stringify(text)} -> ${code}`, () => {
      const d = errorOf(text);
      expect(d).toBeDefined();
      expect(d!.code).toBe(code);
      const column = caret.indexOf("^") + 1;
      expect(d!.message).toMatch(new RegExp(`^invalid filter at column ${column}: `));
      expect(d!.excerpt).toBe(`${text.split("\n")[0]}\n${caret}`);
      expect(d!.message).not.toMatch(/-->|<--|token of type/);
      expect(d!.hint).toBeTruthy();
    });
  }
});

describe("filters: messages say what was expected", () => {
  const message = (text: string) => errorOf(text)?.message;
  const hint = (text: string) => errorOf(text)?.hint;
  it("names the expected tokens and what was found", () => {
    expect(message('model = "bm25" and')).toBe("invalid filter at column 19: expected a name, @state, @name, 'not' or '(', found the end of the filter");
    expect(message("model")).toBe("invalid filter at column 6: expected '=', '~', 'in' or 'not in', found the end of the filter");
    expect(message('(model = "bm25"')).toContain("expected 'and', 'or' or ')'");
    expect(message('model in ["a" "b"]')).toContain("expected ',' or ']'");
  });
  it("suggests quotes, a single '=', parentheses and the nearest state", () => {
    expect(hint("model = bm25")).toBe('quote text: "bm25"');
    expect(hint('model == "x"')).toBe("compare with a single '='");
    expect(hint('a = 1 or b = 2 and c = 3')).toContain("parentheses");
    expect(message('@state = "DONEE"')).toContain('did you mean "DONE"?');
    expect(message('@stat = "DONE"')).toContain("did you mean @state?");
    expect(hint('@state = "FINISHED"')).toContain("UNSCHEDULED");
    expect(message('model = "bm25')).toContain("this string is not closed");
  });
  it("gives the line too when the filter spans lines", () => {
    const d = errorOf('seed = 1 and\nmodel = bm25');
    expect(d?.message).toBe("invalid filter at line 2, column 9: expected a value (a quoted string, a number, true or false), found 'bm25'");
    expect(d?.excerpt).toBe("model = bm25\n        ^^^^");
  });
  it("throws an XpmError the CLI prints once", () => {
    expect(() => parseFilter("seed = ")).toThrow(XpmError);
  });
});

describe("the filter grammar", () => {
  it("passes chevrotain's own checks of its rules and tokens (parses skip them to start faster)", () => {
    expect(() => grammarLexer(true)).not.toThrow();
    expect(() => new FilterParser(true)).not.toThrow();
  });
});
