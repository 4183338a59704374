import * as vscode from 'vscode';

/** Supplies the rows of the Loupe traces view; empty until the trace engine is wired in. */
export class TracesTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  refresh(): void {
    this._onDidChangeTreeData.fire(undefined);
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(): vscode.TreeItem[] {
    // No rows makes VS Code show the view's welcome content.
    return [];
  }

  dispose(): void {
    this._onDidChangeTreeData.dispose();
  }
}
