/**
 * The requirement grammar (tokens and rules only; meaning lives in src/resolve/requirements.ts).
 *
 *   requirements  := alternative ("|" alternative)*
 *   alternative   := term ("&" term)*
 *   term          := duration | cpu | accelerator
 *   duration      := "duration" "=" NUMBER UNIT          e.g. duration=4h
 *   cpu           := "cpu" "(" [cpuArg ("," cpuArg)*] ")"  e.g. cpu(cores=4, mem=16GiB)
 *   cpuArg        := "cores" "=" NUMBER | "mem" "=" size
 *   accelerator   := ("gpu" | "cuda" | "mps") "(" ["mem" "=" size] ")" ["*" NUMBER]
 *   size          := NUMBER UNIT                         e.g. 16GiB, 500M
 *
 * Units are plain words here; the visitor checks them, so a wrong unit is reported at its column.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TokenType } from "chevrotain";

/**
 * chevrotain ships a single-file build next to its module tree (lib/chevrotain.mjs, with lodash
 * bundled in). Importing the tree costs ~1.2 s of start-up (hundreds of lodash-es files, each
 * through the TypeScript loader); the single file costs ~50 ms. Same package, same version.
 */
async function loadChevrotain(): Promise<typeof import("chevrotain")> {
  const bundled = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "chevrotain.mjs");
  return existsSync(bundled) ? import(pathToFileURL(bundled).href) : import("chevrotain");
}
const { CstParser, Lexer, createToken } = await loadChevrotain();

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
export const Word = createToken({ name: "Word", pattern: /[A-Za-z]+/, label: "a unit or keyword" });
const keyword = (name: string, label: string) => createToken({ name, pattern: new RegExp(label), longer_alt: Word, label: `'${label}'` });
export const Duration = keyword("Duration", "duration");
export const Cpu = keyword("Cpu", "cpu");
export const Gpu = keyword("Gpu", "gpu");
export const Cuda = keyword("Cuda", "cuda");
export const Mps = keyword("Mps", "mps");
export const Cores = keyword("Cores", "cores");
export const Mem = keyword("Mem", "mem");
export const NumberLit = createToken({ name: "NumberLit", pattern: /\d+(?:\.\d+)?/, label: "a number" });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'" });
export const Amp = createToken({ name: "Amp", pattern: /&/, label: "'&'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Duration,
  Cpu,
  Gpu,
  Cuda,
  Mps,
  Cores,
  Mem,
  Word,
  NumberLit,
  Pipe,
  Amp,
  Star,
  LParen,
  RParen,
  Comma,
  Equals,
];


export class RequirementsParser extends CstParser {
  /** `validate`: chevrotain's checks of the grammar itself (tests run them; a parse need not pay them). */
  constructor(validate = false) {
    super(allTokens, { recoveryEnabled: false, skipValidations: !validate, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  requirements = this.RULE("requirements", () => {
    this.SUBRULE(this.alternative);
    this.MANY(() => {
      this.CONSUME(Pipe);
      this.SUBRULE2(this.alternative);
    });
  });

  alternative = this.RULE("alternative", () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(Amp);
      this.SUBRULE2(this.term);
    });
  });

  term = this.RULE("term", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.duration) }, { ALT: () => this.SUBRULE(this.cpu) }, { ALT: () => this.SUBRULE(this.accelerator) }]);
  });

  duration = this.RULE("duration", () => {
    this.CONSUME(Duration);
    this.CONSUME(Equals);
    this.CONSUME(NumberLit);
    this.CONSUME(Word);
  });

  cpu = this.RULE("cpu", () => {
    this.CONSUME(Cpu);
    this.CONSUME(LParen);
    this.MANY_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.cpuArg) });
    this.CONSUME(RParen);
  });

  cpuArg = this.RULE("cpuArg", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Cores);
          this.CONSUME(Equals);
          this.CONSUME(NumberLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Mem);
          this.CONSUME2(Equals);
          this.SUBRULE(this.size);
        },
      },
    ]);
  });

  accelerator = this.RULE("accelerator", () => {
    this.OR([{ ALT: () => this.CONSUME(Gpu) }, { ALT: () => this.CONSUME(Cuda) }, { ALT: () => this.CONSUME(Mps) }]);
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.CONSUME(Mem);
      this.CONSUME(Equals);
      this.SUBRULE(this.size);
    });
    this.CONSUME(RParen);
    this.OPTION2(() => {
      this.CONSUME(Star);
      this.CONSUME(NumberLit);
    });
  });

  size = this.RULE("size", () => {
    this.CONSUME(NumberLit);
    this.CONSUME(Word);
  });
}

/** The lexer; `validate`: chevrotain's checks of the token definitions (tests run them). */
export function grammarLexer(validate = false): InstanceType<typeof Lexer> {
  return new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: false, skipValidations: !validate });
}

let grammar: { lexer: InstanceType<typeof Lexer>; parser: RequirementsParser } | undefined;

/**
 * The lexer and one parser instance, reused (chevrotain parsers are stateful but resettable via
 * `input`), built at the first parse: their self-analysis is not paid by runs that parse nothing.
 */
export function requirementsGrammar(): { lexer: InstanceType<typeof Lexer>; parser: RequirementsParser } {
  grammar ??= { lexer: grammarLexer(), parser: new RequirementsParser() };
  return grammar;
}
