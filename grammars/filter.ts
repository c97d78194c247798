/**
 * The job filter grammar of `--filter` (tokens and rules only; meaning lives in src/util/filter.ts).
 *
 *   filter      := expression
 *   expression  := unary (("and" | "or") unary)*      one kind of operator per level: the
 *                                                     meaning checks that, not the grammar
 *   unary       := "not"* primary
 *   primary     := "(" expression ")" | comparison
 *   comparison  := variable ( "=" value | "~" STRING | "in" list | "not" "in" list )
 *   variable    := SPECIAL | NAME                     @state, @name; a tag or a (dotted) param
 *   list        := "[" value ("," value)* "]"
 *   value       := STRING | NUMBER | "true" | "false"
 *
 * Strings are in double or single quotes, on one line, with no escapes (as in experimaestro's
 * pyparsing grammar). A special variable is any `@word` here; the meaning checks the word, so a
 * misspelt one is reported at its column.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TokenType } from "chevrotain";

/** chevrotain's single-file build, as in grammars/requirements.ts (~50 ms instead of ~1.2 s). */
async function loadChevrotain(): Promise<typeof import("chevrotain")> {
  const bundled = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "chevrotain.mjs");
  return existsSync(bundled) ? import(pathToFileURL(bundled).href) : import("chevrotain");
}
const { CstParser, Lexer, createToken } = await loadChevrotain();

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
/** A tag or parameter name; dots reach into sub-configs (`model.layers`). Hyphens as in experimaestro's tag names. */
export const Name = createToken({ name: "Name", pattern: /[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*/, label: "a name" });
const keyword = (name: string, word: string) => createToken({ name, pattern: new RegExp(word), longer_alt: Name, label: `'${word}'` });
export const And = keyword("And", "and");
export const Or = keyword("Or", "or");
export const Not = keyword("Not", "not");
export const In = keyword("In", "in");
export const True = keyword("True", "true");
export const False = keyword("False", "false");
export const Special = createToken({ name: "Special", pattern: /@[A-Za-z_]\w*/, label: "@state or @name" });
export const StringLit = createToken({ name: "StringLit", pattern: /"[^"\n\r]*"|'[^'\n\r]*'/, label: "a quoted string" });
export const NumberLit = createToken({ name: "NumberLit", pattern: /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/, label: "a number" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Tilde = createToken({ name: "Tilde", pattern: /~/, label: "'~'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  And,
  Or,
  Not,
  In,
  True,
  False,
  Name,
  Special,
  StringLit,
  NumberLit,
  Equals,
  Tilde,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
];


export class FilterParser extends CstParser {
  /** `validate`: chevrotain's checks of the grammar itself (tests run them; a parse need not pay them). */
  constructor(validate = false) {
    super(allTokens, { recoveryEnabled: false, skipValidations: !validate, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  filter = this.RULE("filter", () => {
    this.SUBRULE(this.expression);
  });

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(And) }, { ALT: () => this.CONSUME(Or) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.MANY(() => this.CONSUME(Not));
    this.SUBRULE(this.primary);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.variable);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Equals);
          this.SUBRULE(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tilde);
          this.CONSUME(StringLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(In);
          this.SUBRULE(this.list);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Not);
          this.CONSUME2(In);
          this.SUBRULE2(this.list);
        },
      },
    ]);
  });

  variable = this.RULE("variable", () => {
    this.OR([{ ALT: () => this.CONSUME(Special) }, { ALT: () => this.CONSUME(Name) }]);
  });

  list = this.RULE("list", () => {
    this.CONSUME(LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.value) });
    this.CONSUME(RBracket);
  });

  value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.CONSUME(StringLit) },
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
    ]);
  });
}

/** The lexer; `validate`: chevrotain's checks of the token definitions (tests run them). */
export function grammarLexer(validate = false): InstanceType<typeof Lexer> {
  return new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: false, skipValidations: !validate });
}

let grammar: { lexer: InstanceType<typeof Lexer>; parser: FilterParser } | undefined;

/**
 * The lexer and one parser instance, reused (chevrotain parsers are stateful but resettable via
 * `input`), built at the first parse: their self-analysis is not paid by runs that parse nothing.
 */
export function filterGrammar(): { lexer: InstanceType<typeof Lexer>; parser: FilterParser } {
  grammar ??= { lexer: grammarLexer(), parser: new FilterParser() };
  return grammar;
}
