import { describe, expect, it } from "vitest";
import { deployableImageUri, parseImageReference, renderImageDetail, UsageError } from "../src/index.ts";

const DIGEST = `sha256:${"a1".repeat(32)}`;

describe("image references", () => {
  it.each([
    [
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:4e1f9b2",
      { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api", tag: "4e1f9b2" },
    ],
    [`registry.local:5000/team/api@${DIGEST}`, { repository: "registry.local:5000/team/api", digest: DIGEST }],
    [`127.0.0.1:5000/api:v1@${DIGEST}`, { repository: "127.0.0.1:5000/api", tag: "v1", digest: DIGEST }],
  ])("parses %s", (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it.each(["127.0.0.1:5000/api", "api", "", "a b:1", "api:bad tag", `api@sha256:${"a".repeat(10)}`, "api:"])(
    "rejects %j",
    (image) => {
      expect(() => parseImageReference(image)).toThrow(UsageError);
    },
  );

  it("pins to the digest when one is known, from --digest or from the image itself", () => {
    const tagged = parseImageReference("repo.example/api:4e1f9b2");
    expect(deployableImageUri(tagged)).toBe("repo.example/api:4e1f9b2");
    expect(deployableImageUri(tagged, DIGEST)).toBe(`repo.example/api@${DIGEST}`);
    expect(deployableImageUri(parseImageReference(`repo.example/api@${DIGEST}`))).toBe(`repo.example/api@${DIGEST}`);
    expect(deployableImageUri(parseImageReference(`repo.example/api@${DIGEST}`), DIGEST)).toBe(
      `repo.example/api@${DIGEST}`,
    );
  });

  it("writes imageDetail.json as CodePipeline reads it", () => {
    expect(JSON.parse(renderImageDetail(`repo.example/api@${DIGEST}`))).toEqual({
      ImageURI: `repo.example/api@${DIGEST}`,
    });
  });
});
