/** Turns a pure `ItemPresentation` into a VS Code TreeItem. */
import * as vscode from 'vscode';
import type { ItemPresentation } from './presentation';

export function toTreeItem(p: ItemPresentation, collapsible = vscode.TreeItemCollapsibleState.None): vscode.TreeItem {
  const item = new vscode.TreeItem(p.label, collapsible);
  item.id = p.id;
  item.description = p.description;
  item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
  item.contextValue = p.contextValue;
  const tooltip = new vscode.MarkdownString(p.tooltip);
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  return item;
}
