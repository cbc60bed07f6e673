// One mocha configuration; test/run.js runs it once per database (TEST_DB=sqlite|mysql).
process.env.NODE_ENV = "test";
module.exports = {
  "node-option": ["import=tsx/esm"],
  require: ["test/setup.mts"],
  spec: process.env.TEST_SPEC
    ? process.env.TEST_SPEC.split(",")
    : ["test/unit/**/*.test.ts", "test/backend/**/*.test.ts", "test/browser/**/*.test.ts"],
  ignore: process.env.TEST_SPEC && process.env.TEST_SPEC.includes("test/slow") ? [] : ["test/slow/**"],
  timeout: 30000,
};
