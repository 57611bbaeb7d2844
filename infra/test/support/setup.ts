import { afterAll } from "vitest";
import { removeTemporaryDirs } from "./temporary.ts";

afterAll(removeTemporaryDirs);
