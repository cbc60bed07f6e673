import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

/** One layer's import rule: `patterns` name what it may not import (type-only imports allowed where said). */
function layer(files, patterns) {
  return { files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] } };
}
const models = { group: ["**/models/*", "**/models/index.js"], allowTypeImports: true };
const commands = { group: ["**/commands/*"], message: "Services, jobs' helpers and policies do not call commands." };
const routes = { group: ["**/routes/*", "**/routes/**"], message: "Only the app mounts routes." };
const backend = {
  group: ["**/backend/src/**", "**/backend/web/build*", "!**/backend/src/**/*.json"],
  message: "The web app and the add-in talk to the backend over HTTP; shared code lives in shared/ (#shared/*).",
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "var/", "backend/web/dist/", "**/*.min.js", "docs/screenshots/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  // The layers (STYLE.md): routes parse, authorise, call and present; commands hold the logic;
  // services never call commands; policies decide from loaded objects without the database.
  layer(
    ["backend/src/routes/**/*.ts"],
    [
      {
        ...models,
        message: "Routes do not query or save models: call a command or a service (type imports are fine).",
      },
    ],
  ),
  layer(["backend/src/services/**/*.ts"], [commands, routes]),
  layer(["backend/src/commands/**/*.ts"], [routes]),
  layer(
    ["backend/src/models/**/*.ts"],
    [
      commands,
      routes,
      { group: ["**/services/*", "**/services/**"], message: "Models hold data and invariants only." },
    ],
  ),
  layer(
    ["backend/src/policies/**/*.ts"],
    [
      { ...models, message: "Policies decide from loaded objects (type imports only)." },
      { group: ["**/db.js", "sequelize"], message: "Policies never query the database." },
      commands,
      routes,
    ],
  ),
  layer(["backend/web/src/**/*.{ts,tsx}", "addin/src/**/*.{ts,tsx}", "shared/**/*.{ts,tsx}"], [backend]),
  prettier,
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
