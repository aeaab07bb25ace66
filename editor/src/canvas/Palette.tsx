import { useMemo, useState, type ReactElement } from 'react';
import { useReactFlow } from '@xyflow/react';
import { nodeCategories, nodeKindDefinition, nodeKinds, type NodeKind } from '../../../workflows/index.js';
import { nodeUiRegistry } from '../nodes/registry.js';
import { categoryLabels } from '../nodes/node-ui.js';
import { Icon } from '../nodes/icons.js';
import { useEditorStoreApi } from '../store/context.js';
import { nodeWidth } from '../graph/layout.js';
import { paletteMime } from './Canvas.js';

/** Every node kind by category: drag one onto the canvas, or press Enter to add it in the middle of the view. */
export const Palette = ({ disabled }: { disabled: boolean }): ReactElement => {
  const [query, setQuery] = useState('');
  const store = useEditorStoreApi();
  const flow = useReactFlow();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    return nodeCategories.map((category) => ({
      category,
      kinds: nodeKinds.filter((kind) => {
        const def = nodeKindDefinition(kind);
        return def.category === category && (q === '' || `${def.label} ${def.description} ${kind}`.toLowerCase().includes(q));
      }),
    }));
  }, [query]);

  const addInView = (kind: NodeKind) => {
    const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
    const centre = canvas ? flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 }) : { x: 0, y: 0 };
    const jitter = (store.getState().history.present.nodes.length % 5) * 24;
    store.getState().addNode(kind, { x: centre.x - nodeWidth / 2 + jitter, y: centre.y - 40 + jitter });
  };

  return (
    <aside className="palette" aria-label="Steps" data-testid="palette">
      <div className="palette-search">
        <Icon name="search" size={15} />
        <input className="input" placeholder="Find a step…" aria-label="find a step" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="palette-scroll">
        {groups.map(({ category, kinds }) =>
          kinds.length === 0 ? null : (
            <section key={category} className="palette-group">
              <h3>{categoryLabels[category]}</h3>
              {kinds.map((kind) => {
                const def = nodeKindDefinition(kind);
                return (
                  <button
                    key={kind}
                    type="button"
                    className={`palette-item category-${category}`}
                    draggable={!disabled}
                    disabled={disabled}
                    data-testid={`palette-${kind}`}
                    title={`${def.description} Drag onto the canvas, or press Enter to add.`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(paletteMime, kind);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onClick={() => addInView(kind)}
                  >
                    <span className="node-icon">
                      <Icon name={nodeUiRegistry[kind].icon} size={15} />
                    </span>
                    <span className="palette-text">
                      <span className="palette-label">{def.label}</span>
                      <span className="palette-desc">{def.description}</span>
                    </span>
                  </button>
                );
              })}
            </section>
          ),
        )}
        {groups.every((g) => g.kinds.length === 0) ? <p className="muted palette-empty">No step matches “{query}”.</p> : null}
      </div>
    </aside>
  );
};
