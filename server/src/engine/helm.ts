// Helm templates are YAML with Go template actions in them. Blanking each action out (same
// length, line breaks kept) lets the YAML parser see the structure with every offset unchanged.

const ACTION = /\{\{[\s\S]*?\}\}/g;

export function maskTemplateActions(text: string): { text: string; actions: Array<[number, number]> } {
  const actions: Array<[number, number]> = [];
  const masked = text.replace(ACTION, (action, offset: number) => {
    actions.push([offset, offset + action.length]);
    return action.replace(/[^\r\n]/g, ' ');
  });
  return { text: masked, actions };
}
