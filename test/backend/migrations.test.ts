import { expect } from "chai";
import { Sequelize } from "sequelize";
import { sequelizeOptions } from "../../backend/src/db.js";
import { migrator } from "../../backend/src/migrate.js";
import { migrations } from "../../backend/src/migrations/index.js";
import { testDatabase } from "../support/database.js";

describe("migrations", function () {
  this.timeout(120_000);

  it("apply, roll back completely and apply again on a fresh database of this dialect", async () => {
    const database = await testDatabase();
    const { url, options } = sequelizeOptions(database.url);
    const sequelize = url ? new Sequelize(url, options) : new Sequelize(options);
    try {
      const umzug = migrator(sequelize);
      const up = await umzug.up();
      expect(up.map((m) => m.name)).to.deep.equal(migrations.map((m) => m.name));
      const tables = (await sequelize.getQueryInterface().showAllTables()).map(String);
      expect(tables).to.include.members(["organisations", "users", "outbox_entries", "audit_events"]);

      await umzug.down({ to: 0 });
      const left = (await sequelize.getQueryInterface().showAllTables())
        .map(String)
        .filter((t) => t !== "schema_migrations");
      expect(left).to.deep.equal([]);

      expect((await umzug.up()).length).to.equal(migrations.length);
      expect(await umzug.pending()).to.have.length(0);
    } finally {
      await sequelize.close();
      await database.drop();
    }
  });

  it("have unique, ordered, timestamped names", () => {
    const names = migrations.map((m) => m.name);
    expect(new Set(names).size).to.equal(names.length);
    expect([...names].sort()).to.deep.equal(names);
    for (const n of names) expect(n).to.match(/^\d{14}-[a-z0-9-]+$/);
  });
});
