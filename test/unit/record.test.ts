/**
 * The prepare record: an unchanged re-prepare makes (renders) nothing and writes nothing, with
 * one writer thread or several; anything the record cannot vouch for — a file edited by hand,
 * even with its size and time put back, a deleted file, a changed input, a damaged record, a
 * record from another version of the tool — is made and compared as without a record.
 */
import { hash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Content } from "../../src/emit/index.ts";
import { checkLastRecord, PrepareRecord, recordPath } from "../../src/emit/record.ts";
import { THREADED_FROM_JOBS, writeWorkspace } from "../../src/emit/write.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { scratchFolders } from "../helpers.ts";

const tmp = scratchFolders("xpm-record-");
const JOBS = 300;

/** 300 jobs of two deferred files, a deferred chunked manifest; `made` collects what was rendered. */
function* plan(made: string[], inputs: (i: number) => string = () => ""): Generator<[string, Content]> {
  const digests: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const dir = `jobs/t${i % 3}/${String(i).padStart(4, "0")}`;
    const extra = inputs(i);
    const digest = hash("sha1", `${i}:${extra}`);
    digests.push(digest);
    const file = (rel: string, text: string): [string, Content] => [
      rel,
      {
        digest,
        make: () => {
          made.push(rel);
          return text;
        },
      },
    ];
    yield file(`${dir}/params.json`, `{"i": ${i}, "extra": "${extra}"}\n`);
    yield file(`${dir}/Job.sh`, `#!/usr/bin/env bash\necho ${i} ${extra}\n`);
  }
  yield [
    "experiments/x/manifest.json",
    {
      digest: hash("sha1", digests.join("")),
      make: () => {
        made.push("experiments/x/manifest.json");
        return { chunks: digests.map((d) => `${d}\n`) };
      },
    },
  ];
}

async function prepare(ws: string, files: Iterable<[string, Content]>, threads = false) {
  const last = checkLastRecord(ws, "x");
  return writeWorkspace(ws, files, threads ? THREADED_FROM_JOBS : JOBS, new PrepareRecord(ws, "x", await last.lines));
}

const ALL = 2 * JOBS + 1;

/** A workspace prepared twice: its record then vouches for every file (see the first test). */
async function prepared(threads = false): Promise<string> {
  const ws = tmp();
  await prepare(ws, plan([]), threads);
  await prepare(ws, plan([]), threads);
  return ws;
}

for (const threads of [false, true]) {
  describe(`the prepare record (${threads ? "writer threads" : "one thread"})`, () => {
    it("lets an unchanged re-prepare render nothing and write nothing", async () => {
      const ws = tmp();
      const first: string[] = [];
      expect(await prepare(ws, plan(first), threads)).toEqual({ written: ALL, unchanged: 0 });
      expect(first).toHaveLength(ALL);
      expect(existsSync(recordPath(ws, "x"))).toBe(true);
      // Files changed in the record's own clock tick are not vouched for (git's "racily clean"):
      // they, and only they, are rendered and compared once more.
      const stamp = statSync(recordPath(ws, "x")).mtimeMs;
      const racy = first.filter((rel) => statSync(join(ws, rel)).ctimeMs >= stamp);
      const again: string[] = [];
      expect(await prepare(ws, plan(again), threads)).toEqual({ written: 0, unchanged: ALL });
      expect(again).toEqual(racy);
      // The record it leaves vouches for everything.
      const third: string[] = [];
      expect(await prepare(ws, plan(third), threads)).toEqual({ written: 0, unchanged: ALL });
      expect(third).toEqual([]);
    });

    it("puts back a file edited by hand, even with its size and modification time restored", async () => {
      const ws = await prepared(threads);
      const script = join(ws, "jobs/t1/0100/Job.sh");
      const before = statSync(script);
      const text = readFileSync(script, "utf8");
      writeFileSync(script, text.replace("echo", "rm -"));
      utimesSync(script, before.atime, before.mtime);
      expect(statSync(script).size).toBe(before.size);
      // As if the record had been written after the edit: its ctime alone gives it away.
      const later = Date.now() / 1000 + 3600;
      utimesSync(recordPath(ws, "x"), later, later);
      const made: string[] = [];
      expect(await prepare(ws, plan(made), threads)).toEqual({ written: 1, unchanged: ALL - 1 });
      expect(made).toEqual(["jobs/t1/0100/Job.sh"]);
      expect(readFileSync(script, "utf8")).toBe(text);
    });

    it("writes a deleted file again, and re-renders only the jobs whose inputs changed", async () => {
      const ws = await prepared(threads);
      rmSync(join(ws, "jobs/t0/0003/params.json"));
      const made: string[] = [];
      const report = await prepare(
        ws,
        plan(made, (i) => (i === 7 ? "lr=0.1" : "")),
        threads,
      );
      expect(made.sort()).toEqual(["experiments/x/manifest.json", "jobs/t0/0003/params.json", "jobs/t1/0007/Job.sh", "jobs/t1/0007/params.json"]);
      expect(report).toEqual({ written: 4, unchanged: ALL - 4 });
      expect(readFileSync(join(ws, "jobs/t1/0007/Job.sh"), "utf8")).toContain("echo 7 lr=0.1");
    });
  });
}

describe("a prepare record it cannot trust", () => {
  it("is ignored when damaged, from another version of the tool, or older than the files", async () => {
    const ws = await prepared();
    const path = recordPath(ws, "x");
    const good = readFileSync(path, "utf8");
    const made: string[] = [];
    for (const damage of [
      () => writeFileSync(path, "not a record\n1 2 3\n"),
      () => writeFileSync(path, good.replace(/^(.* )[0-9a-f]{40}\n/, "$10000000000000000000000000000000000000000\n")),
      // Files changed at or after the record's own time are not vouched for (a change in the same clock tick).
      () => {
        writeFileSync(path, good);
        utimesSync(path, 1000, 1000);
      },
    ]) {
      damage();
      made.length = 0;
      // Everything is rendered and compared; nothing differs, so nothing is written.
      expect(await prepare(ws, plan(made), false)).toEqual({ written: 0, unchanged: ALL });
      expect(made).toHaveLength(ALL);
    }
    made.length = 0;
    await prepare(ws, plan(made), false);
    expect(made).toEqual([]);
  });

  it("is kept as it was when a prepare fails, and no temporary file is left", async () => {
    const ws = await prepared();
    const path = recordPath(ws, "x");
    const good = readFileSync(path);
    // A file where a job folder must go.
    rmSync(join(ws, "jobs/t2/0299"), { recursive: true });
    writeFileSync(join(ws, "jobs/t2/0299"), "in the way\n");
    const err = await prepare(ws, plan([]), false).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(XpmError);
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(readdirSync(join(ws, ".xpm/prepared"))).toEqual(["x"]);
  });
});

describe("a prepare record that cannot be written", () => {
  it("leaves a complete prepare and a warning that says why", async () => {
    const ws = tmp();
    // A file where the record's folder must go.
    writeFileSync(join(ws, ".xpm"), "in the way\n");
    const made: string[] = [];
    const report = await prepare(ws, plan(made));
    expect(report).toMatchObject({ written: ALL, unchanged: 0 });
    expect(report.warning?.code).toBe("XPM502");
    expect(report.warning?.severity).toBe("warning");
    expect(report.warning?.message).toContain(join(ws, ".xpm/prepared/x"));
    expect(report.warning?.hint).toMatch(/complete/);
    expect(readFileSync(join(ws, "jobs/t1/0007/Job.sh"), "utf8")).toBe("#!/usr/bin/env bash\necho 7 \n");
    expect(readFileSync(join(ws, ".xpm"), "utf8")).toBe("in the way\n");
    // The next prepare compares every file and writes nothing.
    const again: string[] = [];
    expect(await prepare(ws, plan(again))).toMatchObject({ written: 0, unchanged: ALL });
    expect(again).toHaveLength(ALL);
  });
});
