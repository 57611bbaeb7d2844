import { describe, expect, it } from "vitest";
import { countCachedSteps } from "../src/parts/image.ts";

describe("countCachedSteps", () => {
  it("counts buildah's steps (FROM aside) and the ones answered from the cache", () => {
    const lines = `
[1/2] STEP 1/3: FROM node:24 AS build
[1/2] STEP 2/3: ARG SERVICE=orders
--> Using cache 0123abcd
--> 0123abcd
[1/2] STEP 3/3: COPY . .
--> 4567ef01
[2/2] STEP 1/2: FROM node:24
[2/2] STEP 2/2: COPY --from=build /repo/dist ./dist
--> Using cache 89ab
`
      .trim()
      .split("\n");
    expect(countCachedSteps(lines)).toEqual({ cached: 2, steps: 3 });
  });

  it("counts BuildKit's steps once each", () => {
    const lines = `
#4 [build 1/3] FROM docker.io/library/node:24
#5 [build 2/3] RUN npm install --global pnpm
#5 CACHED
#6 [build 3/3] COPY . .
#6 DONE 0.1s
#6 [build 3/3] COPY . .
`
      .trim()
      .split("\n");
    expect(countCachedSteps(lines)).toEqual({ cached: 1, steps: 2 });
  });
});
