import crypto from "node:crypto";
import { Organisation } from "../models/Organisation.js";
import { transaction } from "../db.js";
import { createOrganisation } from "./createOrganisation.js";
import { createUser } from "./createUser.js";

export interface DemoAccount {
  organisation: string;
  email: string;
  password: string;
}

/** A password that meets the policy: random letters and digits, shown once. */
export function generatePassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.randomBytes(16);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12)}7k`;
}

/**
 * On first start in development: a demo organisation with an admin. Returns the new account
 * (with its generated password, to print once) or null when the demo already exists.
 */
export async function ensureDemo(): Promise<DemoAccount | null> {
  if (await Organisation.findOne({ where: { slug: "demo" } })) return null;
  const password = generatePassword();
  const email = "admin@demo.kuvert.localhost";
  await transaction(async (t) => {
    const org = await createOrganisation(t, { name: "Demo", region: "se", plan: "organisation" });
    await createUser(t, {
      organisation: org,
      email,
      name: "Demo Admin",
      mobile: "+46700000000",
      password,
      role: "admin",
    });
  });
  return { organisation: "Demo", email, password };
}
