// One mocha configuration; test/run.js chooses the database (SQLite, then MySQL when
// TEST_MYSQL_URL is set) by environment.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/setup.ts'],
  spec: process.env.TEST_SPEC ? process.env.TEST_SPEC.split(',') : ['test/**/*.test.ts'],
  timeout: 20000,
  exit: true,
};
