import { describe, expect, it } from 'vitest';
import { pythonVenv, runPython } from './python-venv.js';

describe('pythonVenv', () => {
  it('builds a venv with pyarrow from the local index, or says why not', () => {
    const { venv, reason } = pythonVenv(['pyarrow']);
    if (!venv) { console.log(`skipped: ${reason}`); return; }
    expect(runPython(venv, 'import pyarrow; print(pyarrow.__version__)').trim()).toMatch(/^\d+\./);
  }, 600_000);
});
