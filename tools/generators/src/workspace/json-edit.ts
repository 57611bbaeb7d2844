import { applyEdits, findNodeAtLocation, type JSONPath, modify, parseTree } from "jsonc-parser";

const FORMATTING = { insertSpaces: true, tabSize: 2, eol: "\n" } as const;

/**
 * Sets (or, with undefined, removes) the value at `jsonPath`, touching nothing else in the text: key order,
 * one-line objects and every other value stay as they were written. A new property goes after `insertAfter`
 * (a sibling key) when that exists, else at the end, formatted like its siblings.
 */
export function setJsonValue(text: string, jsonPath: JSONPath, value: unknown, insertAfter?: string): string {
  const exists = findNodeAtLocation(parseTree(text) ?? emptyObject(), jsonPath) !== undefined;
  if (exists && (value === null || typeof value !== "object")) {
    // A scalar replaced or removed in place: no reformatting, so a one-line object stays on one line.
    return applyEdits(text, modify(text, jsonPath, value, {}));
  }
  const edits = modify(text, jsonPath, value, {
    formattingOptions: FORMATTING,
    getInsertionIndex: (keys) => {
      const index = insertAfter === undefined ? -1 : keys.indexOf(insertAfter);
      return index === -1 ? keys.length : index + 1;
    },
  });
  return applyEdits(text, edits);
}

function emptyObject() {
  return parseTree("{}") as NonNullable<ReturnType<typeof parseTree>>;
}
