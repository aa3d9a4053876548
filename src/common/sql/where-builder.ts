/** Collects WHERE conditions with positional parameters; only the filters given become SQL. */
export class WhereBuilder {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds a parameter and returns its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** `sql` uses `?` where the value goes, e.g. `q.source = ?`. */
  add(sql: string, ...values: unknown[]): this {
    let i = 0;
    this.conditions.push(sql.replace(/\?/g, () => this.param(values[i++])));
    return this;
  }

  addIf(value: unknown, sql: string): this {
    return value === undefined || value === null ? this : this.add(sql, value);
  }

  /** `WHERE ...` or '' when there is no condition. */
  toSql(): string {
    return this.conditions.length > 0 ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }

  clone(): WhereBuilder {
    const copy = new WhereBuilder();
    copy.params.push(...this.params);
    copy.conditions.push(...this.conditions);
    return copy;
  }
}
