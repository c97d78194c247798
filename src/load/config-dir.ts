/**
 * The settings folder (launchers.yaml, settings.yaml), by precedence: explicit flag
 * (`--xpm-config-dir`), environment (`$XPM_CONFIG_DIR`), default (`~/.config/experimaestro`).
 * Its own module: commands that only need the folder do not load the settings' schemas (zod, yaml).
 */
import { homedir } from "node:os";
import { join } from "node:path";

export function configDir(explicit?: string): string {
  return explicit ?? process.env.XPM_CONFIG_DIR ?? join(homedir(), ".config", "experimaestro");
}
