"""What the plots, the summary and compare.py share: number and table formatting, atomic writes, input errors."""
import os
import tempfile


class InputError(Exception):
    """Bad input (a missing or malformed file): the scripts print it on one line and exit with status 2."""


def fmt(value, digits=3):
    return "–" if value is None else f"{value:.{digits}g}"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def save_atomically(path, write):
    """write(tmp) into a temporary file beside `path`, then rename it: a reader never sees half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are for reading
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_text(path, text):
    def write(tmp):
        with open(tmp, "w") as f:
            f.write(text)

    save_atomically(path, write)
