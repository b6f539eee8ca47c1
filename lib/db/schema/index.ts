export * from "./auth";
export * from "./tenancy";
export * from "./audit";
export * from "./github";
export * from "./inventory";
export * from "./findings";
export * from "./owners";
export * from "./incidents";
