-- CreateTable
CREATE TABLE "FeatureSpace" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "identity" JSONB NOT NULL,
    "dims" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeatureSpace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeatureVector" (
    "spaceId" TEXT NOT NULL,
    "contentHash" BYTEA NOT NULL,
    "dims" INTEGER NOT NULL,
    "vector" BYTEA NOT NULL,
    "tokenCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeatureVector_pkey" PRIMARY KEY ("spaceId","contentHash")
);

-- CreateIndex
CREATE UNIQUE INDEX "FeatureSpace_key_key" ON "FeatureSpace"("key");

-- CreateIndex
CREATE UNIQUE INDEX "FeatureSpace_id_dims_key" ON "FeatureSpace"("id", "dims");

-- AddForeignKey
ALTER TABLE "FeatureVector" ADD CONSTRAINT "FeatureVector_spaceId_dims_fkey" FOREIGN KEY ("spaceId", "dims") REFERENCES "FeatureSpace"("id", "dims") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written (named manual_*, which schema.prisma cannot describe): a space has a positive
-- width, and a vector is exactly its space's width of float32 under a 32-byte sha256.
ALTER TABLE "FeatureSpace" ADD CONSTRAINT "manual_feature_space_dims" CHECK ("dims" > 0);

ALTER TABLE "FeatureVector" ADD CONSTRAINT "manual_feature_vector_shape" CHECK (length("vector") = 4 * "dims" AND length("contentHash") = 32);
