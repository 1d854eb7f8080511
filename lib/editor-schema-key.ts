// The `$schema` key every biglm config file may carry, so an editor validates and completes it.

import { z } from 'zod';

/**
 * `"$schema": "./biglm.schema.json"` points an editor at the JSON Schema (`biglm config schema`), so it
 * validates and completes the file; biglm itself ignores the key. Every config kind accepts it.
 */
export const editorSchemaKey = {
  $schema: z.string().optional().describe('JSON Schema of this file for editors (`biglm config schema > biglm.schema.json`); ignored by biglm.'),
};
