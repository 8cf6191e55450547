import { columnOf, fieldsOfRow, rowOf, setFields } from './fields';

interface Rec {
  id: string;
  publicationId: string;
  description?: string;
  createdAt: Date;
  expiresAt?: Date;
}

describe('record fields and their columns', () => {
  it('names a column as its field in snake_case', () => {
    expect(columnOf('publicationId')).toBe('publication_id');
    expect(columnOf('id')).toBe('id');
  });

  it('setFields copies only the set fields named', () => {
    const from = { a: 'x', b: undefined, c: null, d: '', e: 0, f: 'not named' };
    expect(setFields(from, ['a', 'b', 'c', 'd', 'e'])).toEqual({
      a: 'x',
      e: 0,
    });
    expect(Object.keys(setFields(from, ['a', 'b']))).toEqual(['a']);
  });

  it('rowOf writes the named fields under their columns, unset as NULL', () => {
    const rec: Rec = { id: 'k1', publicationId: 'p1', createdAt: new Date(0) };
    expect(
      rowOf(rec, ['id', 'publicationId', 'description', 'createdAt']),
    ).toEqual({
      id: 'k1',
      publication_id: 'p1',
      description: null,
      created_at: new Date(0),
    });
  });

  it('fieldsOfRow reads the named columns, timestamps as Dates, and leaves NULL and empty ones out', () => {
    const row = {
      id: 'k1',
      publication_id: 'p1',
      description: '',
      created_at: 86_400_000,
      expires_at: null,
      hash: 'not named',
    };
    const rec = fieldsOfRow<Rec>(
      row,
      ['id', 'publicationId', 'description'],
      ['createdAt', 'expiresAt'],
    );
    expect(rec).toStrictEqual({
      id: 'k1',
      publicationId: 'p1',
      createdAt: new Date(86_400_000),
    });
    expect(
      fieldsOfRow<Rec>({ created_at: '86400000' }, [], ['createdAt']).createdAt,
    ).toEqual(new Date(86_400_000));
  });
});
