/**
 * The writer: the writer threads used for large plans leave exactly the tree the single-thread
 * writer leaves (contents, modes), write nothing over an unchanged tree, restore an edited
 * file, write the chunked manifest last, and report a failure by path.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Content } from "../../src/emit/index.ts";
import { writeFiles, writeFilesInParallel } from "../../src/emit/write.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { scratchFolders, tree } from "../helpers.ts";

const tmp = scratchFolders("xpm-write-");

/** 600 jobs of two files each (one executable), two binary assets, then a chunked manifest. */
function* files(order: string[] = []): Generator<[string, Content]> {
  for (let i = 0; i < 600; i++) {
    const dir = `jobs/t${i % 3}/${String(i).padStart(4, "0")}`;
    yield [`${dir}/params.json`, `{"i": ${i}, "quote": "'; rm -rf ~; '"}\n`];
    yield [`${dir}/Job.sh`, `#!/usr/bin/env bash\necho ${i} é\n`];
  }
  yield ["assets/0123/data.bin", Buffer.from([0, 1, 2, 255])];
  yield ["assets/0123/more.bin", Buffer.alloc(70_000, 7)];
  yield [
    "experiments/x/manifest.json",
    {
      chunks: (function* () {
        // Everything before the manifest is on disk when it is written.
        if (order.length) order.push(statSync(order[0]!, { throwIfNoEntry: false }) ? "before-on-disk" : "before-missing");
        for (let i = 0; i < 600; i++) yield `${i}\n`;
      })(),
    },
  ];
  yield ["experiments/x/run-local.sh", "#!/usr/bin/env bash\n"];
}

const modes = (t: Map<string, Buffer>, root: string) => [...t.keys()].map((p) => `${p} ${(statSync(join(root, p)).mode & 0o777).toString(8)}`);

describe("writer threads", () => {
  it("leave the same tree as the single-thread writer, and report the same counts", async () => {
    const a = tmp();
    const b = tmp();
    const one = writeFiles(a, files());
    const order = [join(b, "jobs/t2/0599/Job.sh")];
    const many = await writeFilesInParallel(b, files(order), 3);
    expect(many).toEqual(one);
    expect(one).toEqual({ written: 1204, unchanged: 0 });
    expect(order[1]).toBe("before-on-disk");
    const ta = tree(a);
    const tb = tree(b);
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [p, bytes] of ta) expect(tb.get(p)?.equals(bytes), p).toBe(true);
    expect(modes(tb, b)).toEqual(modes(ta, a));
    expect(modes(tb, b)).toContain("jobs/t0/0000/Job.sh 755");
  });

  it("write nothing over an unchanged tree, and put back a file edited by hand", async () => {
    const ws = tmp();
    await writeFilesInParallel(ws, files(), 2);
    expect(await writeFilesInParallel(ws, files(), 2)).toEqual({ written: 0, unchanged: 1204 });
    writeFileSync(join(ws, "jobs/t1/0100/Job.sh"), "edited\n");
    writeFileSync(join(ws, "experiments/x/manifest.json"), "edited\n");
    expect(await writeFilesInParallel(ws, files(), 2)).toEqual({ written: 2, unchanged: 1202 });
    expect(readFileSync(join(ws, "jobs/t1/0100/Job.sh"), "utf8")).toBe("#!/usr/bin/env bash\necho 100 é\n");
    expect(readFileSync(join(ws, "experiments/x/manifest.json"), "utf8")).toMatch(/^0\n1\n/);
  });

  it("report the file that could not be written, as a diagnostic, and keep what was there", async () => {
    const ws = tmp();
    mkdirSync(join(ws, "jobs/t1/0301"), { recursive: true });
    writeFileSync(join(ws, "jobs/t1/0301/keep.txt"), "mine\n");
    chmodSync(join(ws, "jobs/t1/0301"), 0o555);
    const root = process.getuid?.() === 0;
    // A file where a folder must go fails for root too.
    mkdirSync(join(ws, "jobs/t2"));
    writeFileSync(join(ws, "jobs/t2/0302"), "in the way\n");
    const err = await writeFilesInParallel(ws, files(), 3).then(
      () => undefined,
      (e: unknown) => e,
    );
    chmodSync(join(ws, "jobs/t1/0301"), 0o755);
    expect(err).toBeInstanceOf(XpmError);
    const d = (err as XpmError).diagnostics[0]!;
    expect(d.code).toBe("XPM501");
    expect(d.message).toMatch(root ? /jobs\/t2\/0302\/(params\.json|Job\.sh)/ : /jobs\/t[12]\/030[12]\/(params\.json|Job\.sh)/);
    expect(d.hint).toMatch(/writable/);
    expect(readFileSync(join(ws, "jobs/t1/0301/keep.txt"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(ws, "jobs/t2/0302"), "utf8")).toBe("in the way\n");
  });
});
