/**
 * This module contains the sidebar icons of the three panels (inline SVG that follows the theme's icon colour).
 */
import { LabIcon } from '@jupyterlab/ui-components';

const frame = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">${body}</g></svg>`;

export const lineageIcon = new LabIcon({
  name: 'beemind:lineage',
  svgstr: frame(
    '<circle cx="12" cy="4" r="2.5"/><circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="12" r="2.5"/><circle cx="4" cy="20" r="2.5"/><circle cx="12" cy="20" r="2.5"/><circle cx="20" cy="20" r="2.5"/><path d="M11 5.5 6.8 10.5l1 .8L12 6.3l4.2 5 1-.8L13 5.5zM5.4 14l-1 4.4 1.2.3 1-4.4zm1.4.1 4.3 4.5.9-.9-4.3-4.5zm10.4-.1-4.3 4.6.9.8 4.3-4.6zm1.6.2 1.1 4.3 1.2-.3-1.1-4.3z"/>',
  ),
});

export const importanceIcon = new LabIcon({
  name: 'beemind:importance',
  svgstr: frame(
    '<rect x="3" y="4" width="18" height="3" rx="1"/><rect x="3" y="10.5" width="12" height="3" rx="1"/><rect x="3" y="17" width="7" height="3" rx="1"/>',
  ),
});

export const comparisonIcon = new LabIcon({
  name: 'beemind:comparison',
  svgstr: frame(
    '<path d="M3 3h1.5v16.5H21V21H3z"/><circle cx="8" cy="15" r="1.6"/><circle cx="11" cy="10" r="1.6"/><circle cx="15" cy="8" r="1.6"/><circle cx="19" cy="6" r="1.6"/><circle cx="14" cy="14" r="1.6"/><circle cx="18" cy="11" r="1.6"/>',
  ),
});
