import type { ContractVersion } from "../database/migrations/contract-versions.js";
import { CONTRACT_0_1 } from "./contract-0.1.js";
import { contract012 } from "./contract-0.12.js";
import { contract10 } from "./contract-1.0.js";
import type { ContractSupport } from "./contract-support.js";

/** The contract support of a version, with its defaults (for readers such as the CLI, which inject nothing). */
export function contractSupportFor(version: ContractVersion): ContractSupport {
  switch (version) {
    case "0.1":
      return CONTRACT_0_1;
    case "0.12":
      return contract012();
    case "1.0":
      return contract10();
  }
}
