import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "reports/", "images/*/artifacts/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      // vitest hooks and fixtures must destructure their context argument, even when they use none of it.
      "no-empty-pattern": ["error", { allowObjectPatternsAsParameters: true }],
      // Leaving a property out by destructuring it beside a rest element; `await using _fault = ...`,
      // held for its scope alone.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, varsIgnorePattern: "^_" }],
    },
  },
);
