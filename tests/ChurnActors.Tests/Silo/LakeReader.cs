using Parquet;
using Parquet.Schema;

namespace ChurnActors.Tests.Silo;

/// <summary>Reads the Parquet objects of one data-lake table back into rows of column → value.</summary>
public static class LakeReader
{
    public static async Task<List<Dictionary<string, object?>>> ReadTableAsync(string lake, string table)
    {
        var rows = new List<Dictionary<string, object?>>();
        var folder = Path.Combine(lake, table);
        if (!Directory.Exists(folder))
        {
            return rows;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields();
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var count = (int)rowGroup.RowCount;
                var columns = new Dictionary<string, object?[]>();
                foreach (var field in fields)
                {
                    columns[field.Name] = await ReadColumnAsync(rowGroup, field, count);
                }

                for (var i = 0; i < count; i++)
                {
                    rows.Add(columns.ToDictionary(c => c.Key, c => c.Value[i]));
                }
            }
        }

        return rows;
    }

    public static async Task<IReadOnlyList<string>> ColumnsOfAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return reader.Schema.GetDataFields().Select(f => f.Name).ToList();
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int count)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await rowGroup.ReadAsync(field, values.AsMemory());
            return [.. values];
        }

        if (field.ClrType == typeof(int))
        {
            return await Read<int>(rowGroup, field, count);
        }

        if (field.ClrType == typeof(double))
        {
            return await Read<double>(rowGroup, field, count);
        }

        if (field.ClrType == typeof(DateTime))
        {
            return await Read<DateTime>(rowGroup, field, count);
        }

        throw new NotSupportedException($"Column {field.Name} has type {field.ClrType}.");
    }

    private static async Task<object?[]> Read<T>(ParquetRowGroupReader rowGroup, DataField field, int count)
        where T : struct
    {
        var values = new T[count];
        await rowGroup.ReadAsync(field, values.AsMemory());
        return values.Select(v => (object?)v).ToArray();
    }
}
