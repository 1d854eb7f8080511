// What `biglm inspect` shows of a run beyond the report: sections contributed by the stages that keep
// their own records (drop examples of filters, dedup clusters). Each returns printable text.

export type InspectSection = (runDir: string) => Promise<string | undefined>;

const sections: InspectSection[] = [];

export function registerInspectSection(section: InspectSection): void {
  sections.push(section);
}

export async function inspectSections(runDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const s of sections) {
    const text = await s(runDir);
    if (text) out.push(text);
  }
  return out;
}
