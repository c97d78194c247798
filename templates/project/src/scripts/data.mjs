// Shared by the job scripts: a deterministic noisy line y = 3x - 1 (plain JavaScript: jobs run it with node alone).
export function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

export function samples(seed, n) {
  let state = (seed * 2654435761) >>> 0 || 1;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const x = random() * 2 - 1;
    return { x, y: 3 * x - 1 + (random() - 0.5) * 0.2 };
  });
}
