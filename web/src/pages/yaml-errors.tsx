/**
 * A run's `yaml_errors`, shown first and loud: one item per problem, with "line N" / "N:M"
 * locations set off so the eye finds them.
 */
export function splitYamlErrors(text: string): string[] {
  return text.split(/\n|;\s+(?=\S)/).map((s) => s.trim()).filter(Boolean);
}

export function YamlErrors({ text }: { text: string }) {
  const items = splitYamlErrors(text);
  return (
    <div class="error-box yaml-errors" role="alert" aria-labelledby="yaml-errors-title">
      <strong id="yaml-errors-title">This run's CI configuration is invalid</strong>
      <ul>
        {items.map((item, i) => {
          const parts = item.split(/(\bline \d+(?:,? column \d+)?|\b\d+:\d+\b)/);
          return <li key={i}>{parts.map((p, k) => (k % 2 === 1 ? <mark key={k}>{p}</mark> : p))}</li>;
        })}
      </ul>
    </div>
  );
}
