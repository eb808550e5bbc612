// The engine's object-access analysis needs it too; rules keep importing it from here.
export { nodeAtStep } from '../../engine/ast/trace-nodes.js';
