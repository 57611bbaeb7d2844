import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare } from "@repo/devkit/files";
import type { NewFile } from "../workspace/new-folder.ts";
import type { PackageSettings } from "./settings.ts";

/** templates/package: one Handlebars file per file of the new package (name + ".hbs"). */
export const PACKAGE_TEMPLATE_DIR = fileURLToPath(new URL("../../templates/package", import.meta.url));

export type RenderString = (template: string, data: object) => string;

/** Renders every template with the package's settings (plop's Handlebars, with a `json` helper for strings). */
export function renderPackage(settings: PackageSettings, render: RenderString): NewFile[] {
  return templateFiles(PACKAGE_TEMPLATE_DIR, "").map((file) => ({
    path: file.replace(/\.hbs$/, ""),
    content: render(readFileSync(path.join(PACKAGE_TEMPLATE_DIR, file), "utf8"), settings),
  }));
}

function templateFiles(absolute: string, relative: string): string[] {
  return readdirSync(absolute, { withFileTypes: true })
    .sort((a, b) => compare(a.name, b.name))
    .flatMap((entry) => {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) return templateFiles(path.join(absolute, entry.name), child);
      return entry.name.endsWith(".hbs") ? [child] : [];
    });
}
