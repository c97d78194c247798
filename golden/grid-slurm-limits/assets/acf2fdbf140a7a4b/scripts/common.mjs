// Shared by the example scripts: argument parsing and a seeded random generator.
export function args(argv = process.argv.slice(2)) {
  const named = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) named[argv[i].slice(2)] = argv[++i];
    else rest.push(argv[i]);
  }
  return { named, rest };
}

/** mulberry32: small, seeded, good enough for generated data. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Points on y = 3x - 1 with Gaussian-ish noise, x in [-1, 1]. */
export function data(seed, n) {
  const rand = random(seed);
  const points = [];
  for (let i = 0; i < n; i++) {
    const x = rand() * 2 - 1;
    const noise = (rand() + rand() + rand() - 1.5) * 0.2;
    points.push([x, 3 * x - 1 + noise]);
  }
  return points;
}
