// Prisma 7's CLI imports this only for `prisma dev`, which needs Node 22; this
// repository installs Prisma 7 to run `prisma generate`, so the real package
// (and its EBADENGINE warning on Node 20) is replaced by this stand-in.
exports.startLocalDurableStreamsServer = () => {
  throw new Error("`prisma dev` is not available in kysely-workflow-persistence's checkout (see CONTRIBUTING.md)");
};
