//! What the spans talk about: technologies with their concepts, errors, tasks,
//! tips and performance problems. Strings may use `«slots»` from `vocab::Vars`.

use super::code::Lang;

pub struct ErrorCase {
    /// The message as the tool prints it.
    pub msg: &'static str,
    /// "when I ..." (base form after "I").
    pub when: &'static str,
    /// Why it happens (a clause that completes "This usually means ...").
    pub cause: &'static str,
    /// What to do, as one or two sentences.
    pub fix: &'static str,
    /// Snippet id illustrating the fix, or "".
    pub code: &'static str,
}

pub struct Slow {
    /// Completes "My ... ": e.g. "nightly export takes 40 minutes".
    pub what: &'static str,
    pub advice: &'static str,
    pub code: &'static str,
}

pub struct Tech {
    pub name: &'static str,
    pub domains: &'static [&'static str],
    pub lang: Lang,
    pub version_cmd: &'static str,
    /// (concept, one-sentence definition starting with a verb phrase or "is").
    pub concepts: &'static [(&'static str, &'static str)],
    pub errors: &'static [ErrorCase],
    /// (task in base form, snippet id).
    pub tasks: &'static [(&'static str, &'static str)],
    pub tips: &'static [&'static str],
    pub slow: &'static [Slow],
    pub libs: &'static [&'static str],
}

macro_rules! err {
    ($msg:literal, $when:literal, $cause:literal, $fix:literal, $code:literal) => {
        ErrorCase { msg: $msg, when: $when, cause: $cause, fix: $fix, code: $code }
    };
}

macro_rules! slow {
    ($what:literal, $advice:literal, $code:literal) => {
        Slow { what: $what, advice: $advice, code: $code }
    };
}

pub static TECHS: &[Tech] = &[
    Tech {
        name: "Python",
        domains: &["backend", "data", "scripting"],
        lang: Lang::Python,
        version_cmd: "python --version",
        concepts: &[
            (
                "generators",
                "are functions that `yield` values one at a time, so you can iterate over a large sequence without building it in memory",
            ),
            (
                "decorators",
                "are functions that take a function and return a wrapped version of it, which is how things like caching, retries and access checks get bolted on without touching the original code",
            ),
            (
                "context managers",
                "guarantee that setup and cleanup code run in pairs: the `with` statement calls `__enter__` on the way in and `__exit__` on the way out, even when an exception is raised",
            ),
            (
                "the GIL",
                "is the global interpreter lock in CPython: only one thread executes Python bytecode at a time, so threads help with I/O-bound work but not with CPU-bound work",
            ),
            (
                "list comprehensions",
                "build a new list from an iterable in a single expression, optionally filtering items, and are usually faster and clearer than an explicit loop with `append`",
            ),
            (
                "virtual environments",
                "give each project its own interpreter and site-packages, so dependency versions of one project cannot break another",
            ),
            (
                "type hints",
                "are annotations that tools like mypy and your editor check statically; the interpreter itself ignores them at runtime",
            ),
            (
                "dataclasses",
                "generate `__init__`, `__repr__` and comparison methods from annotated class attributes, which removes a lot of boilerplate for plain data containers",
            ),
        ],
        errors: &[
            err!(
                "TypeError: 'NoneType' object is not subscriptable",
                "parse the API response",
                "a function returned `None` (often implicitly, by falling off the end) and the code then indexed into the result",
                "Check the return value before indexing, and make sure every branch of the function returns something.",
                "py_validate"
            ),
            err!(
                "KeyError: '«fk»'",
                "process the «nouns» from the CSV export",
                "at least one row does not have that column, or the header has a stray space or BOM in it",
                "Use `row.get(\"«fk»\")` where the field is optional, and open the file with `encoding=\"utf-8-sig\"` to strip a BOM.",
                "py_csv"
            ),
            err!(
                "ModuleNotFoundError: No module named 'requests'",
                "run the script from cron",
                "cron runs a different interpreter than your shell, one that does not have your virtual environment's packages",
                "Call the virtualenv's interpreter explicitly in the crontab entry (e.g. `/opt/«svc»/.venv/bin/python`), or install the package for the interpreter cron uses.",
                ""
            ),
            err!(
                "RecursionError: maximum recursion depth exceeded",
                "walk a deeply nested JSON document",
                "the recursion goes deeper than Python's default limit of 1000 frames",
                "Rewrite the traversal with an explicit stack instead of raising the limit; it is faster too.",
                ""
            ),
            err!(
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x96 in position 1042: invalid start byte",
                "read a CSV exported from Excel",
                "the file is not UTF-8; byte 0x96 is an en dash in Windows-1252",
                "Open it with `encoding=\"cp1252\"` (or detect the encoding once and convert the file to UTF-8).",
                "py_csv"
            ),
            err!(
                "RuntimeError: Event loop is closed",
                "run my asyncio tests on Windows",
                "something tries to schedule work after `asyncio.run()` has already closed the loop, often a client session that was never closed",
                "Close sessions with `async with`, and create them inside the running loop rather than at import time.",
                "py_asyncio"
            ),
        ],
        tasks: &[
            ("fetch JSON from an API and retry with exponential backoff on failure", "py_retry"),
            ("remove duplicates from a list while keeping the original order", "py_dedupe"),
            ("read a large file in fixed-size chunks without loading it all into memory", "py_chunks"),
            ("load a CSV of «nouns» into a list of dictionaries", "py_csv"),
            ("download many URLs concurrently with asyncio", "py_asyncio"),
            ("validate incoming «noun» records and collect the errors", "py_validate"),
            ("count the most common words in a text file", "py_wordcount"),
            ("cache the result of an expensive database lookup", "py_cache"),
            ("set up logging for a small service", "py_logging"),
        ],
        tips: &[
            "Prefer `pathlib.Path` over string paths; it handles separators and makes the intent clearer.",
            "Pin your dependencies with a lock file (pip-tools, uv or Poetry) so builds are reproducible.",
            "`python -X importtime` shows which imports make your startup slow.",
            "Use `logging` instead of `print` as soon as the script runs unattended.",
            "A `__main__` guard keeps the module importable for tests.",
            "f-strings are the fastest and most readable way to format strings in modern Python.",
        ],
        slow: &[
            slow!(
                "script that processes «nouns» takes 20 minutes for a 2 GB file",
                "Stream the file instead of reading it whole, and move the per-line work out of Python loops where you can: `collections.Counter`, `str.split` and built-ins run in C.",
                "py_chunks"
            ),
            slow!(
                "function that looks up «noun» scores is called thousands of times with the same ids",
                "Memoize it. `functools.lru_cache` is enough when the arguments are hashable and the data does not change during the run.",
                "py_cache"
            ),
            slow!(
                "crawler fetches URLs one after another and takes hours",
                "The work is I/O-bound, so run the requests concurrently with asyncio and a semaphore to cap how many are in flight.",
                "py_asyncio"
            ),
        ],
        libs: &["requests", "pydantic", "click", "httpx", "pytest", "rich"],
    },
    Tech {
        name: "Django",
        domains: &["web", "backend"],
        lang: Lang::Python,
        version_cmd: "python -m django --version",
        concepts: &[
            (
                "the ORM's lazy querysets",
                "are not evaluated until you iterate, slice or call `list()` on them, so you can chain filters cheaply and only one query runs at the end",
            ),
            (
                "migrations",
                "are versioned Python files that describe schema changes, generated from your models with `makemigrations` and applied in order with `migrate`",
            ),
            (
                "middleware",
                "is a chain of hooks that wrap every request and response, used for things like sessions, CSRF protection and authentication",
            ),
            ("select_related", "follows foreign keys with a SQL JOIN so related objects come back in the same query"),
            (
                "signals",
                "let decoupled parts of an app react to events such as `post_save`, at the cost of making the control flow harder to follow",
            ),
        ],
        errors: &[
            err!(
                "django.db.utils.OperationalError: no such column: «nouns».«fk»",
                "open the admin page for «nouns»",
                "the model has a field that the database table does not have yet: a migration was not created or not applied",
                "Run `python manage.py makemigrations` and `python manage.py migrate`, and check `showmigrations` on the server.",
                ""
            ),
            err!(
                "Forbidden (403) CSRF verification failed. Request aborted.",
                "submit the form from my React frontend",
                "the POST does not carry the CSRF token, or the origin is not in `CSRF_TRUSTED_ORIGINS`",
                "Send the `csrftoken` cookie value in the `X-CSRFToken` header and add your frontend's origin to `CSRF_TRUSTED_ORIGINS`.",
                ""
            ),
            err!(
                "django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.",
                "deploy to the staging server",
                "settings read the key from an environment variable that is not set on that machine",
                "Set the variable in the service's environment (systemd unit, container env or secret store), not in the repository.",
                ""
            ),
        ],
        tasks: &[
            ("avoid the N+1 query problem when listing «nouns» with their «fk»", "py_django_n1"),
            ("write pytest tests for the «noun» validation helpers", "py_pytest"),
        ],
        tips: &[
            "Turn on `django-debug-toolbar` locally: it shows every SQL query a page runs.",
            "Keep business logic out of views; a plain function in a `services.py` module is easier to test.",
            "Use `bulk_create` for inserts in a loop; it turns thousands of queries into a handful.",
            "Index the columns you filter on in `Meta.indexes` rather than by hand in SQL.",
        ],
        slow: &[slow!(
            "«nouns» list page makes 300 queries",
            "That is the N+1 pattern: each row triggers a query for its related object. `select_related` (foreign keys) or `prefetch_related` (many-to-many) fetch them up front.",
            "py_django_n1"
        )],
        libs: &["django-rest-framework", "celery", "django-debug-toolbar", "gunicorn"],
    },
    Tech {
        name: "FastAPI",
        domains: &["web", "backend"],
        lang: Lang::Python,
        version_cmd: "pip show fastapi",
        concepts: &[
            (
                "dependency injection",
                "lets an endpoint declare what it needs (a database session, the current user) as parameters with `Depends`, and FastAPI builds and cleans them up per request",
            ),
            (
                "Pydantic models",
                "validate and convert request and response bodies from type annotations, and produce the OpenAPI schema for free",
            ),
            (
                "async endpoints",
                "run on the event loop, so they must not call blocking libraries directly; plain `def` endpoints are run in a thread pool instead",
            ),
        ],
        errors: &[
            err!(
                "422 Unprocessable Entity: field required (type=value_error.missing)",
                "POST a new «noun» from the frontend",
                "the JSON body does not match the Pydantic model: a required field is missing or has another name",
                "Compare the payload with the schema at `/docs`; fields you want optional need a default (`x: int | None = None`).",
                "py_fastapi"
            ),
            err!(
                "RuntimeError: Task attached to a different loop",
                "share one database client across tests",
                "an async client created in one event loop is used from another (each test gets a fresh loop by default)",
                "Create the client in a lifespan handler or fixture scoped to the same loop.",
                ""
            ),
        ],
        tasks: &[("expose a REST endpoint that returns «a_noun» by id", "py_fastapi")],
        tips: &[
            "Run it with several Uvicorn workers behind Gunicorn in production, not with `--reload`.",
            "Return Pydantic models, not ORM objects, so you never leak columns by accident.",
        ],
        slow: &[slow!(
            "async endpoint gets slower the more users hit it at once",
            "A blocking call (a sync database driver, `requests`, `time.sleep`) inside an `async def` endpoint stalls the whole event loop. Use async libraries or make the endpoint a plain `def`.",
            ""
        )],
        libs: &["uvicorn", "pydantic", "sqlalchemy", "httpx"],
    },
    Tech {
        name: "pandas",
        domains: &["data", "analytics"],
        lang: Lang::Python,
        version_cmd: "python -c \"import pandas; print(pandas.__version__)\"",
        concepts: &[
            (
                "groupby",
                "splits a DataFrame into groups by one or more keys, applies an aggregation to each group and combines the results",
            ),
            (
                "vectorization",
                "means expressing a computation over whole columns so it runs in optimized C code instead of a Python loop over rows",
            ),
            (
                "the SettingWithCopyWarning",
                "warns that you may be modifying a temporary copy of a slice rather than the original DataFrame",
            ),
            (
                "categorical dtypes",
                "store repeated strings as integer codes plus a lookup table, which can cut memory use dramatically",
            ),
            (
                "merge",
                "joins two DataFrames on key columns the way a SQL JOIN does, with `how` choosing inner, left, right or outer",
            ),
        ],
        errors: &[
            err!(
                "KeyError: '«cat»'",
                "group the «nouns» export by «cat»",
                "the column name differs slightly in the file, often because of surrounding whitespace or a different case",
                "Print `df.columns.tolist()`, then normalise with `df.columns = df.columns.str.strip().str.lower()`.",
                "py_pandas_group"
            ),
            err!(
                "SettingWithCopyWarning: A value is trying to be set on a copy of a slice from a DataFrame",
                "add a column to a filtered DataFrame",
                "the filtered frame may be a view of the original, so the assignment might not stick",
                "Take an explicit copy after filtering (`sub = df[df.x > 0].copy()`) or assign with `.loc` on the original.",
                ""
            ),
            err!(
                "MemoryError: Unable to allocate 3.2 GiB for an array with shape (428000000,) and data type float64",
                "load last year's «nouns» into a DataFrame",
                "the whole file is being materialised with default 64-bit dtypes",
                "Load only the columns you need (`usecols`), downcast numeric dtypes, use `category` for repeated strings, or process in chunks.",
                ""
            ),
        ],
        tasks: &[("load «nouns».csv and compute the total «num» per «cat»", "py_pandas_group")],
        tips: &[
            "Use `df.info(memory_usage=\"deep\")` to see which columns eat memory.",
            "Parquet is much faster to load than CSV and keeps dtypes.",
            "`df.query()` and `df.eval()` can make long boolean filters more readable.",
            "Avoid `iterrows()`; it is usually the slowest way to touch every row.",
        ],
        slow: &[slow!(
            "pandas script loops over a DataFrame with `iterrows()` and takes 15 minutes",
            "Vectorise it: replace the per-row Python logic with column operations (`np.where`, `.map`, `groupby().transform`). This is typically 50–100x faster.",
            "py_pandas_group"
        )],
        libs: &["numpy", "pyarrow", "polars", "matplotlib", "seaborn"],
    },
    Tech {
        name: "scikit-learn",
        domains: &["ml", "data"],
        lang: Lang::Python,
        version_cmd: "python -c \"import sklearn; print(sklearn.__version__)\"",
        concepts: &[
            (
                "cross-validation",
                "estimates how a model generalises by training and evaluating it on several different train/test splits of the data",
            ),
            (
                "data leakage",
                "happens when information from the test set (or from the future) sneaks into training, for example by fitting a scaler on the full dataset before splitting",
            ),
            (
                "pipelines",
                "chain preprocessing steps and a model into one estimator, so the same transformations are fitted on training folds only and applied consistently at prediction time",
            ),
            (
                "class imbalance",
                "means one label is much rarer than the others, which makes accuracy misleading; precision, recall and PR-AUC tell you more",
            ),
        ],
        errors: &[
            err!(
                "ValueError: could not convert string to float: '«cat1»'",
                "fit a RandomForestClassifier on the «nouns» table",
                "a categorical column was passed to the model as raw strings",
                "Encode it inside the pipeline with `OneHotEncoder` in a `ColumnTransformer`.",
                "py_sklearn"
            ),
            err!(
                "ValueError: Input X contains NaN.",
                "call `model.fit`",
                "some features have missing values and the estimator does not accept them",
                "Add a `SimpleImputer` step to the pipeline, or use an estimator that handles NaN natively such as `HistGradientBoostingClassifier`.",
                "py_sklearn"
            ),
        ],
        tasks: &[("train a classifier that predicts churn from the «nouns» table", "py_sklearn")],
        tips: &[
            "Always keep a final hold-out set that you never tune against.",
            "Set `random_state` when you want reproducible splits.",
            "Look at the confusion matrix before you celebrate a high accuracy.",
        ],
        slow: &[slow!(
            "grid search over a random forest runs all night",
            "Use `RandomizedSearchCV` or `HalvingRandomSearchCV` with a sensible budget and `n_jobs=-1`; exhaustive grids waste most of their time on bad regions.",
            "py_sklearn"
        )],
        libs: &["numpy", "pandas", "xgboost", "lightgbm", "optuna"],
    },
    Tech {
        name: "PyTorch",
        domains: &["ml"],
        lang: Lang::Python,
        version_cmd: "python -c \"import torch; print(torch.__version__, torch.cuda.is_available())\"",
        concepts: &[
            (
                "autograd",
                "records the operations on tensors that require gradients and computes derivatives automatically when you call `backward()`",
            ),
            (
                "`model.eval()`",
                "switches layers such as dropout and batch norm to inference behaviour; it does not turn off gradient tracking, which is what `torch.no_grad()` is for",
            ),
            (
                "mixed precision",
                "runs most operations in float16 or bfloat16 while keeping a float32 master copy of the weights, which speeds up training and halves activation memory",
            ),
            (
                "the DataLoader",
                "batches, shuffles and loads samples in background worker processes so the GPU is not waiting on I/O",
            ),
        ],
        errors: &[
            err!(
                "RuntimeError: CUDA out of memory. Tried to allocate 512.00 MiB",
                "train with batch size «batch»",
                "activations for the batch do not fit in GPU memory alongside the model and optimizer state",
                "Lower the batch size and use gradient accumulation, enable mixed precision, or turn on gradient checkpointing.",
                "py_torch"
            ),
            err!(
                "RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
                "run inference after loading the checkpoint",
                "the model was moved to the GPU but an input tensor (or a buffer created inside `forward`) is still on the CPU",
                "Move inputs with `.to(device)` and create new tensors with `device=x.device` inside the model.",
                ""
            ),
            err!(
                "RuntimeError: mat1 and mat2 shapes cannot be multiplied (32x256 and 128x64)",
                "pass a batch through my model",
                "the input feature size does not match the first Linear layer's `in_features`",
                "Print the shape just before the layer and make `nn.Linear(in_features, ...)` match it.",
                "py_torch"
            ),
        ],
        tasks: &[("write a minimal training loop with validation", "py_torch")],
        tips: &[
            "Overfit a single batch first; if the loss won't go to zero, there is a bug.",
            "Log the learning rate along with the loss; schedulers are a common silent bug.",
            "`torch.compile` can give a free speed-up on recent GPUs.",
        ],
        slow: &[slow!(
            "GPU utilisation sits at 30% during training",
            "The input pipeline is the bottleneck. Increase `num_workers`, set `pin_memory=True`, and move heavy preprocessing out of `__getitem__`.",
            "py_torch"
        )],
        libs: &["torchvision", "transformers", "accelerate", "lightning", "wandb"],
    },
    Tech {
        name: "Rust",
        domains: &["systems", "backend"],
        lang: Lang::Rust,
        version_cmd: "rustc --version && cargo --version",
        concepts: &[
            (
                "ownership",
                "means every value has exactly one owner; when the owner goes out of scope the value is dropped, so memory is freed without a garbage collector",
            ),
            (
                "borrowing",
                "lets code use a value through references without taking ownership, with the rule that you can have many shared references or one mutable reference, but not both at once",
            ),
            (
                "lifetimes",
                "are the compiler's way of tracking how long references are valid, so a reference can never outlive the data it points to",
            ),
            (
                "traits",
                "define shared behaviour that types implement, similar to interfaces, and power generics through trait bounds",
            ),
            (
                "the `?` operator",
                "returns early with the error if a `Result` is `Err` (converting it with `From`), and otherwise unwraps the `Ok` value",
            ),
            (
                "`Arc<Mutex<T>>`",
                "combines an atomically reference-counted pointer, so several threads can own the value, with a mutex so only one of them mutates it at a time",
            ),
            (
                "iterators",
                "are lazy: adapters like `map` and `filter` do nothing until a consumer such as `collect` or `sum` drives them, and they usually compile down to the same code as a hand-written loop",
            ),
        ],
        errors: &[
            err!(
                "error[E0502]: cannot borrow `«nouns»` as mutable because it is also borrowed as immutable",
                "remove stale «nouns» while iterating over the vector",
                "you hold a shared borrow (the iterator) while trying to mutate the same vector",
                "Collect what you need first so the shared borrow ends, then mutate; or use `retain`, which does both in one pass.",
                "rs_borrow_fix"
            ),
            err!(
                "error[E0382]: borrow of moved value: `config`",
                "pass the config to two threads",
                "the value was moved into the first closure, so it no longer exists in the outer scope",
                "Clone it for each thread, or wrap it in an `Arc` and clone the `Arc`.",
                "rs_arc_mutex"
            ),
            err!(
                "error[E0277]: the trait bound `«Noun»: Serialize` is not satisfied",
                "return «a_noun» as JSON from my handler",
                "the struct does not implement `serde::Serialize`",
                "Add `#[derive(Serialize)]` (with serde's `derive` feature enabled) to the struct and to every type it contains.",
                "rs_serde_config"
            ),
            err!(
                "error[E0106]: missing lifetime specifier",
                "write a function that returns the longest of two &str",
                "the return type is a reference and the compiler cannot tell which input it borrows from",
                "Add a lifetime parameter that ties them: `fn longest<'a>(a: &'a str, b: &'a str) -> &'a str`.",
                ""
            ),
            err!(
                "thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }'",
                "run the binary from a different directory",
                "a relative path is resolved against the current working directory, not the binary's location",
                "Take the path as an argument or resolve it relative to `std::env::current_exe()`, and replace `unwrap` with `?` plus context.",
                ""
            ),
        ],
        tasks: &[
            ("count word frequencies in a text file", "rs_wordcount"),
            ("load a TOML config file into a typed struct", "rs_serde_config"),
            ("fetch several URLs concurrently with tokio and reqwest", "rs_tokio_join"),
            ("define a custom error type for a repository layer", "rs_error"),
            ("share a counter between threads safely", "rs_arc_mutex"),
            ("sum «num» per «cat» over a slice of structs", "rs_iter_group"),
            ("write an axum handler that returns «a_noun» by id", "rs_axum"),
        ],
        tips: &[
            "Run `cargo clippy` in CI; it catches a lot of non-idiomatic code early.",
            "`cargo tree -d` shows duplicated dependencies that bloat compile times.",
            "Prefer `&str` and slices in function parameters; they accept more callers.",
            "Use `anyhow` in binaries and a `thiserror` enum in libraries.",
            "Build with `--release` before measuring anything.",
        ],
        slow: &[
            slow!(
                "Rust program is slower than the Python version",
                "That is almost always a debug build: `cargo run --release`. After that, check for per-line allocation (`String` in a hot loop) and unbuffered I/O (wrap files in `BufReader`/`BufWriter`).",
                "rs_wordcount"
            ),
            slow!(
                "service spends most of its time contending on a `Mutex<HashMap>`",
                "Shard the map, switch to a concurrent map such as `dashmap`, or restructure so each task owns its data and sends results over a channel.",
                "rs_arc_mutex"
            ),
        ],
        libs: &["serde", "tokio", "anyhow", "thiserror", "clap", "rayon", "sqlx"],
    },
    Tech {
        name: "JavaScript",
        domains: &["web", "frontend", "backend"],
        lang: Lang::JavaScript,
        version_cmd: "node --version && npm --version",
        concepts: &[
            (
                "the event loop",
                "runs one piece of JavaScript at a time and picks the next callback from the task and microtask queues when the call stack is empty, which is why a long loop freezes the page",
            ),
            (
                "closures",
                "are functions that remember the variables of the scope they were created in, even after that scope has returned",
            ),
            (
                "promises",
                "represent a value that will be available later; `async`/`await` is syntax on top of them that reads like synchronous code",
            ),
            (
                "debouncing",
                "delays a function until a burst of calls has stopped for a given time, so a search box fires one request instead of one per keystroke",
            ),
            (
                "`this` binding",
                "depends on how a function is called, not where it is defined, except for arrow functions, which take `this` from the surrounding scope",
            ),
        ],
        errors: &[
            err!(
                "TypeError: Cannot read properties of undefined (reading 'map')",
                "render the list of «nouns»",
                "the array is `undefined` on the first render, before the data has loaded",
                "Initialise the state with an empty array, or guard with optional chaining (`«nouns»?.map(...)`).",
                "js_react"
            ),
            err!(
                "UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:«port»",
                "start the server and call the API",
                "nothing is listening on that port (the other service is not running, or it listens on another interface inside Docker)",
                "Start the dependency first and point the URL at the right host; inside Docker Compose, use the service name instead of localhost. Also add a `.catch` so failures are handled.",
                "js_fetch_retry"
            ),
            err!(
                "Error [ERR_REQUIRE_ESM]: require() of ES Module not supported",
                "upgrade node-fetch to v3",
                "the package is now ESM-only and your project uses CommonJS `require`",
                "Switch the project to ESM (`\"type\": \"module\"` and `import`), use a dynamic `import()`, or stay on the last CommonJS version.",
                "json_package"
            ),
            err!(
                "ReferenceError: fetch is not defined",
                "run the script with Node 16",
                "the global `fetch` only exists from Node 18",
                "Upgrade Node (18+ has fetch built in) or install `undici`/`node-fetch`.",
                ""
            ),
        ],
        tasks: &[
            ("add an Express route that returns «a_noun» by id", "js_express"),
            ("retry a fetch call with exponential backoff", "js_fetch_retry"),
            ("debounce a search input", "js_debounce"),
            ("count the error lines in a large log file with streams", "js_stream_lines"),
            ("test a debounce helper with Jest fake timers", "js_jest"),
        ],
        tips: &[
            "Use `===` and `!==` unless you have a specific reason not to.",
            "Always handle promise rejections; in Node they crash the process by default now.",
            "`structuredClone` makes deep copies without JSON round-trips.",
            "ESLint with the recommended config catches many bugs before they ship.",
        ],
        slow: &[slow!(
            "Node API blocks for seconds when parsing a big upload",
            "Parsing a large payload synchronously blocks the event loop for every request. Stream it (`readline`, a streaming JSON parser) or move the work to a worker thread.",
            "js_stream_lines"
        )],
        libs: &["express", "axios", "lodash", "zod", "jest", "vitest"],
    },
    Tech {
        name: "TypeScript",
        domains: &["web", "frontend", "backend"],
        lang: Lang::TypeScript,
        version_cmd: "npx tsc --version",
        concepts: &[
            (
                "generics",
                "let a function or type work over many types while keeping the relationship between input and output types",
            ),
            (
                "discriminated unions",
                "are unions of object types that share a literal `kind` field, so a `switch` on it narrows the type in each branch",
            ),
            (
                "type narrowing",
                "is how the compiler refines a union type after checks like `typeof`, `in` or a comparison against a literal",
            ),
            (
                "`unknown` vs `any`",
                "differ in safety: `any` turns checking off, while `unknown` forces you to narrow the value before using it",
            ),
        ],
        errors: &[
            err!(
                "TS2322: Type 'string | undefined' is not assignable to type 'string'.",
                "read an environment variable into my config",
                "`process.env.X` may be undefined and the target type does not allow that",
                "Validate at startup and fail fast (`if (!value) throw ...`), or parse the whole environment with a schema library such as zod.",
                ""
            ),
            err!(
                "TS2339: Property '«textCamel»' does not exist on type '{}'.",
                "use the JSON I get back from fetch",
                "the response is typed as an empty object, so the compiler knows nothing about its fields",
                "Declare an interface for the payload and validate it at runtime before casting.",
                "ts_generic"
            ),
            err!(
                "TS7016: Could not find a declaration file for module 'left-pad'.",
                "import an old npm package",
                "the package ships no type definitions",
                "Install `@types/left-pad` if it exists, or add a `declare module 'left-pad';` in a `.d.ts` file.",
                ""
            ),
        ],
        tasks: &[
            ("write a generic groupBy helper with proper types", "ts_generic"),
            ("write a React component that loads «nouns» and cancels the request on unmount", "js_react"),
        ],
        tips: &[
            "Turn on `strict` in tsconfig from day one; retrofitting it is painful.",
            "Prefer `unknown` over `any` for data from the outside world.",
            "`satisfies` checks an object against a type without widening it.",
        ],
        slow: &[slow!(
            "`tsc` takes over a minute on every build",
            "Enable `incremental` and project references, skip type-checking in the dev bundler (esbuild or swc), and run `tsc --noEmit` separately in CI.",
            "json_tsconfig"
        )],
        libs: &["zod", "tRPC", "vitest", "esbuild", "ts-node"],
    },
    Tech {
        name: "React",
        domains: &["frontend", "web"],
        lang: Lang::TypeScript,
        version_cmd: "npm ls react",
        concepts: &[
            (
                "the `useEffect` dependency array",
                "tells React when to re-run the effect: after every render with no array, once with an empty array, or when one of the listed values changes",
            ),
            (
                "keys in lists",
                "let React match list items between renders, so it can reorder them instead of recreating them; indexes are a poor key when items move",
            ),
            (
                "memoization with `useMemo`",
                "caches a computed value between renders until its dependencies change, which only pays off for expensive computations",
            ),
            (
                "controlled components",
                "keep form input values in React state, so the state is the single source of truth for what the input shows",
            ),
        ],
        errors: &[
            err!(
                "Warning: Each child in a list should have a unique \"key\" prop.",
                "render the «nouns» table",
                "the elements produced by `map` have no `key`, or duplicate keys",
                "Use a stable id from the data as the key (`key={item.id}`), not the array index.",
                "js_react"
            ),
            err!(
                "Error: Too many re-renders. React limits the number of renders to prevent an infinite loop.",
                "open the «noun» details page",
                "a state setter is called directly during render (for example `onClick={setOpen(true)}`), which triggers another render",
                "Pass a function instead (`onClick={() => setOpen(true)}`) and move side effects into `useEffect`.",
                ""
            ),
            err!(
                "Warning: Can't perform a React state update on an unmounted component.",
                "navigate away while the «nouns» are loading",
                "an async request resolves after the component has unmounted and still calls `setState`",
                "Cancel the request in the effect's cleanup with an `AbortController`.",
                "js_react"
            ),
        ],
        tasks: &[("build a component that fetches «nouns» and shows loading and error states", "js_react")],
        tips: &[
            "Install the React DevTools profiler before you guess which component is slow.",
            "Lift state only as far up as it needs to go.",
            "Server state (fetching, caching) is easier with TanStack Query than with hand-written effects.",
        ],
        slow: &[slow!(
            "React table with 5,000 rows is janky when typing in the filter box",
            "Debounce the filter input, memoise the filtered rows, and virtualise the list (react-window) so only visible rows are rendered.",
            "js_debounce"
        )],
        libs: &["react-query", "react-router", "zustand", "vite", "testing-library"],
    },
    Tech {
        name: "PostgreSQL",
        domains: &["database", "data", "backend"],
        lang: Lang::Sql,
        version_cmd: "psql --version",
        concepts: &[
            (
                "indexes",
                "are separate sorted structures (B-trees by default) that let the planner find matching rows without scanning the whole table, at the cost of slower writes",
            ),
            (
                "window functions",
                "compute a value over a set of rows related to the current row, like a running total or rank, without collapsing the rows as GROUP BY does",
            ),
            (
                "transaction isolation levels",
                "define which effects of concurrent transactions you can see; Postgres defaults to READ COMMITTED",
            ),
            (
                "MVCC",
                "keeps several versions of a row so readers never block writers, which is also why VACUUM has to clean up dead rows later",
            ),
            (
                "CTEs",
                "(WITH queries) name intermediate results, which makes long queries readable and enables recursive queries",
            ),
            (
                "EXPLAIN ANALYZE",
                "runs the query and shows the actual plan with row counts and timings, which is the starting point for any tuning",
            ),
        ],
        errors: &[
            err!(
                "ERROR: column \"«nouns».«date»\" must appear in the GROUP BY clause or be used in an aggregate function",
                "group «nouns» by «cat»",
                "the SELECT list has a column that is neither grouped nor aggregated, so Postgres does not know which row's value to return",
                "Add it to GROUP BY, wrap it in an aggregate (`MAX(«date»)`), or use a window function if you need per-row values.",
                "sql_group_join"
            ),
            err!(
                "ERROR: deadlock detected",
                "run two batch jobs that update «nouns» at the same time",
                "the jobs lock the same rows in a different order and each waits for the other",
                "Update rows in a consistent order (e.g. `ORDER BY id` with `FOR UPDATE`), keep transactions short, and retry on deadlock.",
                ""
            ),
            err!(
                "ERROR: duplicate key value violates unique constraint \"«nouns»_pkey\"",
                "import the «nouns» from the old system",
                "rows with ids that already exist are being inserted, or the sequence is behind the max id after a manual import",
                "Use `INSERT ... ON CONFLICT` for idempotent imports, and reset the sequence with `setval` after bulk loads.",
                "sql_upsert"
            ),
            err!(
                "FATAL: remaining connection slots are reserved for non-replication superuser connections",
                "scale the API to more pods",
                "every pod opens its own pool and together they exceed `max_connections`",
                "Put PgBouncer in front of the database and size each pool so the total stays under the limit.",
                ""
            ),
        ],
        tasks: &[
            ("report the total «num» per «cat» for the last «days» days", "sql_group_join"),
            ("compute a running total of «num» per «fk»", "sql_window"),
            ("insert or update «nouns» in one statement", "sql_upsert"),
            ("delete duplicate «nouns» but keep the newest row", "sql_dedupe"),
            ("count «nouns» per day", "sql_daily"),
        ],
        tips: &[
            "Check `pg_stat_statements` to find the queries that cost the most in total, not just the slowest ones.",
            "Create indexes with `CONCURRENTLY` on busy tables so writes are not blocked.",
            "Use `timestamptz`, not `timestamp`, for anything that happened at a moment in time.",
            "Keep transactions short; long ones hold back VACUUM and bloat tables.",
        ],
        slow: &[
            slow!(
                "query on the «nouns» table takes 12 seconds with 40 million rows",
                "Look at `EXPLAIN (ANALYZE, BUFFERS)`. A sequential scan on a selective filter means a missing index: a composite index on the filter columns (equality columns first, then the range column) usually fixes it.",
                "sql_index"
            ),
            slow!(
                "nightly report query got slow after the table doubled in size",
                "Check whether the plan changed (stale statistics: run `ANALYZE`), whether work_mem is too small for the sort (look for 'external merge' in the plan), and consider a partial or covering index.",
                "sql_index"
            ),
        ],
        libs: &["pgbouncer", "pg_stat_statements", "psycopg", "sqlx", "Prisma"],
    },
    Tech {
        name: "Docker",
        domains: &["devops", "cloud"],
        lang: Lang::Dockerfile,
        version_cmd: "docker version",
        concepts: &[
            (
                "image layers",
                "are cached filesystem diffs, one per instruction, so ordering the Dockerfile from least to most frequently changing keeps rebuilds fast",
            ),
            (
                "multi-stage builds",
                "use one stage with the full toolchain to build and copy only the artifacts into a small runtime image",
            ),
            ("volumes", "store data outside the container's writable layer so it survives the container being removed"),
            (
                "the build context",
                "is the set of files sent to the daemon when you build; everything `COPY` can see must be in it, and `.dockerignore` keeps it small",
            ),
        ],
        errors: &[
            err!(
                "COPY failed: file not found in build context or excluded by .dockerignore: stat package.json: file does not exist",
                "build the image in CI",
                "the build runs from a different directory than locally, so the context does not contain the file",
                "Pass the right context directory (`docker build -f app/Dockerfile app/`) and check `.dockerignore`.",
                "docker_multistage"
            ),
            err!(
                "Bind for 0.0.0.0:«port» failed: port is already allocated",
                "start the compose stack",
                "another container or a local process already listens on that host port",
                "Stop the other process (`docker ps`, `lsof -i :«port»`) or map to a different host port.",
                "sh_docker"
            ),
            err!(
                "exec /usr/local/bin/docker-entrypoint.sh: exec format error",
                "run the image on the server",
                "the image was built for another CPU architecture (built on an ARM Mac, run on amd64)",
                "Build for the target platform: `docker buildx build --platform linux/amd64 ...`.",
                ""
            ),
        ],
        tasks: &[
            ("write a small multi-stage Dockerfile for a Node service", "docker_multistage"),
            ("run the service and a Postgres database locally with Docker Compose", "yml_compose"),
            ("debug why a container exits right after starting", "sh_docker"),
        ],
        tips: &[
            "Pin base images to a version tag (or digest), never just `latest`.",
            "Run as a non-root user in the final stage.",
            "Copy the dependency manifest and install before copying the source, so the install layer is cached.",
        ],
        slow: &[slow!(
            "Docker build reinstalls all dependencies on every code change",
            "Reorder the Dockerfile: copy only `package*.json` (or `requirements.txt`), install, and copy the rest afterwards. Add a `.dockerignore` so `node_modules` and `.git` are not sent as context.",
            "docker_multistage"
        )],
        libs: &["docker compose", "buildx", "dive", "hadolint"],
    },
    Tech {
        name: "Kubernetes",
        domains: &["devops", "cloud"],
        lang: Lang::Yaml,
        version_cmd: "kubectl version",
        concepts: &[
            (
                "readiness probes",
                "tell Kubernetes when a pod can receive traffic; until it passes, the pod is left out of the Service's endpoints",
            ),
            (
                "liveness probes",
                "restart a container that is stuck; set them too aggressively and slow startups turn into restart loops",
            ),
            (
                "resource requests and limits",
                "drive scheduling (requests) and enforcement (limits): exceeding the memory limit gets the container OOM-killed",
            ),
            (
                "rolling updates",
                "replace pods gradually according to `maxSurge` and `maxUnavailable`, so a Deployment can be updated without downtime",
            ),
            (
                "ConfigMaps and Secrets",
                "inject configuration into pods as environment variables or files; Secrets are only base64-encoded unless encryption at rest is enabled",
            ),
        ],
        errors: &[
            err!(
                "Back-off restarting failed container «svc» in pod «svc»-7d9f8b6c4-x2x9k (CrashLoopBackOff)",
                "deploy the new version of «svc»",
                "the container starts and exits (or gets killed) repeatedly; the reason is in the previous container's logs",
                "Run `kubectl logs --previous` and `kubectl describe pod`: look for a missing env var, a failing liveness probe or `OOMKilled`.",
                "sh_kubectl"
            ),
            err!(
                "Failed to pull image \"registry.example.com/«svc»:1.4.2\": rpc error: code = NotFound (ImagePullBackOff)",
                "roll out the deployment",
                "the tag does not exist in the registry, or the cluster lacks credentials for a private registry",
                "Check the tag was pushed, and add an `imagePullSecrets` entry for the registry.",
                "yml_k8s"
            ),
            err!(
                "0/3 nodes are available: 3 Insufficient memory.",
                "scale the deployment to «workers» replicas",
                "the pods' memory requests do not fit on any node",
                "Lower the requests to what the app really uses, or add nodes (or let the cluster autoscaler do it).",
                "yml_k8s"
            ),
        ],
        tasks: &[
            ("write a Deployment with probes and resource limits for «svc»", "yml_k8s"),
            ("find out why a pod keeps restarting", "sh_kubectl"),
        ],
        tips: &[
            "Set memory requests equal to limits for predictable behaviour under pressure.",
            "`kubectl get events --sort-by=.lastTimestamp` is the quickest way to see what just went wrong.",
            "Use a PodDisruptionBudget so node drains cannot take all replicas down at once.",
        ],
        slow: &[slow!(
            "deployments take 10 minutes to roll out",
            "Check the readiness probe's `initialDelaySeconds` and `periodSeconds`, the image size (pull time on every new node), and `maxSurge`: allowing more surge pods speeds rollouts up.",
            "yml_k8s"
        )],
        libs: &["helm", "kustomize", "k9s", "argo-cd"],
    },
    Tech {
        name: "Terraform",
        domains: &["cloud", "devops"],
        lang: Lang::Hcl,
        version_cmd: "terraform version",
        concepts: &[
            (
                "state",
                "is Terraform's record of which real resources belong to which configuration blocks; it must be stored remotely and locked when a team shares it",
            ),
            (
                "modules",
                "package a set of resources with inputs and outputs so the same infrastructure can be instantiated several times",
            ),
            (
                "`plan` and `apply`",
                "separate computing the changes from making them, so you can review exactly what will be created, changed or destroyed",
            ),
        ],
        errors: &[
            err!(
                "Error: Error acquiring the state lock: ConditionalCheckFailedException",
                "run `terraform apply` in CI",
                "another run holds the DynamoDB lock, or a crashed run left it behind",
                "Wait for the other run; if it really died, release it with `terraform force-unlock <LOCK_ID>`.",
                ""
            ),
            err!(
                "Error: creating S3 Bucket («svc»-«nouns»): BucketAlreadyExists",
                "apply the storage module in a new account",
                "S3 bucket names are global, and someone else already owns that name",
                "Add a unique suffix (account id or environment) to the bucket name.",
                "tf_bucket"
            ),
        ],
        tasks: &[("create a private, versioned S3 bucket", "tf_bucket")],
        tips: &[
            "Run `terraform fmt` and `terraform validate` in CI before plan.",
            "Pin provider versions in `required_providers`.",
            "Never edit the state file by hand; use `terraform state mv` and `import`.",
        ],
        slow: &[slow!(
            "`terraform plan` takes 8 minutes",
            "Split the monolithic root module into smaller stacks with their own state, and use `-refresh=false` for quick iterations.",
            ""
        )],
        libs: &["terragrunt", "tflint", "checkov", "atlantis"],
    },
    Tech {
        name: "GitHub Actions",
        domains: &["devops", "testing"],
        lang: Lang::Yaml,
        version_cmd: "gh --version",
        concepts: &[
            ("matrix builds", "run the same job across combinations of versions or operating systems in parallel"),
            (
                "caching",
                "stores dependency directories between runs keyed by a lock-file hash, which can cut minutes off every build",
            ),
            (
                "secrets in workflows",
                "are injected as environment variables and masked in logs, but are not available to workflows triggered from forks",
            ),
        ],
        errors: &[
            err!(
                "Error: Process completed with exit code 1.",
                "push to a pull request",
                "a step failed; the actual error is a few lines above in that step's log",
                "Expand the failing step, and re-run with debug logging (`ACTIONS_STEP_DEBUG=true`) if the output is not enough.",
                "yml_gha"
            ),
            err!(
                "Resource not accessible by integration",
                "let the workflow comment on the pull request",
                "the default `GITHUB_TOKEN` lacks write permission for that scope",
                "Grant it in the workflow: `permissions: pull-requests: write`.",
                ""
            ),
        ],
        tasks: &[("set up CI that runs pytest on every pull request", "yml_gha")],
        tips: &[
            "Pin third-party actions to a commit SHA, not a moving tag.",
            "Use `concurrency` groups to cancel superseded runs on the same branch.",
        ],
        slow: &[slow!(
            "CI pipeline takes 25 minutes per push",
            "Cache dependencies, split the test suite across a matrix, and only run the slow end-to-end tests on main.",
            "yml_gha"
        )],
        libs: &["actions/cache", "actions/setup-python", "act"],
    },
    Tech {
        name: "Bash",
        domains: &["devops", "systems", "scripting"],
        lang: Lang::Bash,
        version_cmd: "bash --version",
        concepts: &[
            (
                "`set -euo pipefail`",
                "makes a script stop on the first failing command, on unset variables and on failures inside pipelines, instead of carrying on silently",
            ),
            (
                "quoting",
                "decides whether the shell splits a value on spaces and expands globs in it; unquoted variables are the most common source of bugs",
            ),
            (
                "exit codes",
                "are how commands report success (0) or failure (anything else), and what `if`, `&&` and `||` test",
            ),
        ],
        errors: &[
            err!(
                "bash: ./deploy.sh: Permission denied",
                "run the deploy script on the server",
                "the file is not executable (git may not have kept the mode bit)",
                "`chmod +x deploy.sh`, and `git update-index --chmod=+x deploy.sh` so the bit is committed.",
                ""
            ),
            err!(
                "/bin/bash^M: bad interpreter: No such file or directory",
                "run a script that was edited on Windows",
                "the file has CRLF line endings, so the shebang line ends in a carriage return",
                "Convert it with `dos2unix` (or `sed -i 's/\\r$//'`) and add a `.gitattributes` rule `*.sh text eol=lf`.",
                ""
            ),
            err!(
                "bash: /usr/bin/rm: Argument list too long",
                "delete old log files",
                "the glob expands to more arguments than the kernel allows for one command",
                "Let `find` do it: `find /var/log/«svc» -name '*.log' -mtime +«days» -delete`.",
                "sh_find_logs"
            ),
        ],
        tasks: &[
            ("back up a Postgres database nightly and keep the last «days» days", "sh_backup"),
            ("clean up log files older than «days» days", "sh_find_logs"),
        ],
        tips: &[
            "Run `shellcheck` on every script; it finds quoting bugs you will not see by eye.",
            "Prefer `$(...)` over backticks for command substitution.",
            "Use `mktemp` for temporary files and a `trap` to clean them up.",
        ],
        slow: &[slow!(
            "shell loop over 200,000 files takes forever",
            "Each iteration forks several processes. Batch the work with `find ... -exec cmd {} +` or `xargs -P` to run in parallel.",
            "sh_find_logs"
        )],
        libs: &["jq", "shellcheck", "xargs", "awk"],
    },
    Tech {
        name: "AWS",
        domains: &["cloud", "devops"],
        lang: Lang::Json,
        version_cmd: "aws --version",
        concepts: &[
            (
                "IAM roles",
                "grant temporary credentials to services and workloads, so nothing needs long-lived access keys baked into code",
            ),
            (
                "S3 consistency",
                "is strong read-after-write for all operations since 2020, so a GET right after a PUT returns the new object",
            ),
            (
                "Lambda cold starts",
                "happen when a new execution environment has to be created, adding latency to the first request it serves",
            ),
            (
                "VPC endpoints",
                "let resources in private subnets reach AWS services without going through a NAT gateway",
            ),
        ],
        errors: &[
            err!(
                "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
                "upload «nouns» exports to S3 from the worker",
                "the role's policy does not allow `s3:PutObject` on that bucket/prefix, or a bucket policy or KMS key policy denies it",
                "Grant the action on `arn:aws:s3:::bucket/*` (note the `/*`) and check the bucket policy and KMS permissions.",
                "json_iam"
            ),
            err!(
                "Task timed out after 3.00 seconds",
                "invoke the Lambda that resizes images",
                "the default timeout is 3 s, and the function also waits on a network call with no timeout of its own",
                "Raise the function timeout, set client timeouts inside the code, and check whether it runs in a VPC without a route to the service.",
                ""
            ),
        ],
        tasks: &[("write an IAM policy that lets a service read and write one S3 prefix", "json_iam")],
        tips: &[
            "Turn on AWS Budgets alerts before anything else in a new account.",
            "Prefer IAM roles and SSO over long-lived access keys.",
            "Tag every resource with an owner and environment.",
        ],
        slow: &[slow!(
            "Lambda takes 4 seconds on the first request",
            "Those are cold starts: trim the deployment package, initialise clients outside the handler, and use provisioned concurrency for latency-sensitive paths.",
            ""
        )],
        libs: &["boto3", "aws-cdk", "aws-sam", "localstack"],
    },
    Tech {
        name: "Go",
        domains: &["backend", "systems"],
        lang: Lang::Go,
        version_cmd: "go version",
        concepts: &[
            ("goroutines", "are lightweight threads managed by the Go runtime; starting thousands of them is cheap"),
            (
                "channels",
                "pass values between goroutines and synchronise them, following the idea of sharing memory by communicating",
            ),
            (
                "`context.Context`",
                "carries deadlines and cancellation across API boundaries, so a cancelled request stops all the work it started",
            ),
            (
                "interfaces",
                "are satisfied implicitly: any type with the right methods implements them, without declaring it",
            ),
        ],
        errors: &[
            err!(
                "fatal error: all goroutines are asleep - deadlock!",
                "send results over a channel from the workers",
                "every goroutine is blocked: usually main waits on a channel that nobody will ever close or send to",
                "Close the results channel once all workers are done (a `sync.WaitGroup` in a separate goroutine), or use `errgroup`.",
                "go_workers"
            ),
            err!(
                "panic: assignment to entry in nil map",
                "add «nouns» to the cache map",
                "the map was declared but never initialised with `make`",
                "Initialise it: `cache := make(map[string]«Noun»)`.",
                ""
            ),
        ],
        tasks: &[
            ("process «nouns» with a fixed pool of worker goroutines", "go_workers"),
            ("write an HTTP handler that returns «a_noun» as JSON", "go_handler"),
        ],
        tips: &[
            "Run tests with `-race` in CI.",
            "Return errors with `%w` so callers can use `errors.Is`.",
            "Keep interfaces small and define them where they are used.",
        ],
        slow: &[slow!(
            "Go service allocates a lot and GC pauses show up in p99 latency",
            "Profile with pprof (`-memprofile`), reuse buffers with `sync.Pool` on hot paths, and avoid converting between `[]byte` and `string` repeatedly.",
            ""
        )],
        libs: &["errgroup", "chi", "sqlc", "zap", "testify"],
    },
    Tech {
        name: "Flask",
        domains: &["security", "web"],
        lang: Lang::Python,
        version_cmd: "",
        concepts: &[
            (
                "CSRF",
                "is an attack where another site makes the victim's browser send an authenticated request to your app; SameSite cookies and anti-CSRF tokens stop it",
            ),
            (
                "XSS",
                "is injecting script into a page other users view; output encoding, avoiding `innerHTML` and a Content-Security-Policy are the main defences",
            ),
            (
                "password hashing",
                "must use a slow, salted algorithm such as Argon2id, bcrypt or scrypt so leaked hashes are expensive to crack",
            ),
            (
                "JWT validation",
                "means verifying the signature with the expected algorithm and key, and checking expiry, issuer and audience before trusting any claim",
            ),
            (
                "the principle of least privilege",
                "says every user, service and key should have only the permissions it needs, which limits the damage when one is compromised",
            ),
            (
                "secret rotation",
                "replaces credentials on a schedule and immediately after a leak, which is only painless if secrets live in a secret manager rather than in code",
            ),
        ],
        errors: &[
            err!(
                "jwt.exceptions.InvalidSignatureError: Signature verification failed",
                "validate tokens from the identity provider",
                "the token was signed with a different key than the one you verify with (often a rotated key, or HS256 vs RS256 confusion)",
                "Fetch the provider's current JWKS and pick the key by the token's `kid`; pin the algorithm list.",
                "py_jwt_verify"
            ),
            err!(
                "Access to fetch at 'https://api.example.com/«nouns»' from origin 'https://app.example.com' has been blocked by CORS policy",
                "call the API from the new frontend domain",
                "the API does not return `Access-Control-Allow-Origin` for that origin on the preflight",
                "Allow-list the origin on the API; do not use `*` together with credentials.",
                ""
            ),
        ],
        tasks: &[
            ("hash and verify user passwords safely", "py_argon2"),
            ("configure secure session cookies and CSRF protection", "py_flask_session"),
            ("verify JWTs from our identity provider", "py_jwt_verify"),
        ],
        tips: &[
            "Secrets belong in a secret manager or environment, never in the repository; if one was committed, rotate it.",
            "Set `HttpOnly`, `Secure` and `SameSite` on session cookies.",
            "Run a dependency scanner (pip-audit, npm audit, cargo audit) in CI.",
            "Log authentication failures, but never log the credentials themselves.",
        ],
        slow: &[slow!(
            "login endpoint takes 900 ms per request after switching to Argon2",
            "That cost is deliberate, but tune it: pick parameters that take ~100–250 ms on your hardware, and rate-limit the endpoint instead of weakening the hash.",
            ""
        )],
        libs: &["argon2-cffi", "PyJWT", "helmet", "OWASP ZAP", "semgrep"],
    },
    Tech {
        name: "Android",
        domains: &["mobile"],
        lang: Lang::Kotlin,
        version_cmd: "./gradlew --version",
        concepts: &[
            (
                "coroutines",
                "let you write asynchronous code sequentially; `viewModelScope` cancels them automatically when the screen goes away",
            ),
            (
                "StateFlow",
                "holds the current UI state and emits updates to collectors, replacing LiveData in many apps",
            ),
            (
                "the activity lifecycle",
                "is the series of callbacks (onCreate, onStart, onResume, ...) Android calls as a screen is created, shown, hidden and destroyed",
            ),
        ],
        errors: &[
            err!(
                "android.os.NetworkOnMainThreadException",
                "load «nouns» in onCreate",
                "a network call runs on the main thread, which Android forbids",
                "Move it into a coroutine on `Dispatchers.IO` (e.g. from `viewModelScope.launch`).",
                "kt_viewmodel"
            ),
            err!(
                "java.lang.IllegalStateException: Fragment not attached to a context.",
                "show a toast after the request finishes",
                "the callback runs after the fragment was detached",
                "Collect flows with `repeatOnLifecycle` so work stops when the view is gone.",
                ""
            ),
        ],
        tasks: &[("load «a_noun» in a ViewModel and expose the UI state", "kt_viewmodel")],
        tips: &[
            "Keep Android types out of your ViewModels so they can be unit tested.",
            "Use R8 in release builds; it shrinks and optimizes the APK.",
        ],
        slow: &[slow!(
            "Android app's list stutters while scrolling",
            "Do image decoding off the main thread (Coil or Glide), use `DiffUtil`/`LazyColumn` keys, and check the frame timeline in the profiler.",
            ""
        )],
        libs: &["Jetpack Compose", "Retrofit", "Room", "Hilt", "Coil"],
    },
    Tech {
        name: "Swift",
        domains: &["mobile"],
        lang: Lang::Swift,
        version_cmd: "swift --version",
        concepts: &[
            (
                "optionals",
                "make the absence of a value explicit in the type, so you must unwrap them with `if let`, `guard let` or `??` before use",
            ),
            (
                "async/await",
                "replaces completion handlers with structured concurrency: tasks form a tree and cancellation propagates down it",
            ),
            (
                "value types",
                "(structs and enums) are copied on assignment, which avoids shared mutable state and many threading bugs",
            ),
        ],
        errors: &[err!(
            "Fatal error: Unexpectedly found nil while unwrapping an Optional value",
            "open the «noun» detail screen",
            "a force unwrap (`!`) or implicitly unwrapped outlet hit `nil`",
            "Replace the `!` with `guard let` and handle the missing value; check that IBOutlets are connected.",
            "swift_optional"
        )],
        tasks: &[("load «a_noun» from a JSON API with async/await", "swift_optional")],
        tips: &[
            "Turn on strict concurrency checking to catch data races at compile time.",
            "Prefer `guard let` for early exits; it keeps the happy path unindented.",
        ],
        slow: &[slow!(
            "SwiftUI list re-renders everything when one row changes",
            "Give rows stable identities, keep observable objects small, and move expensive formatting out of `body`.",
            ""
        )],
        libs: &["SwiftUI", "Combine", "Alamofire", "XCTest"],
    },
    Tech {
        name: "Redis",
        domains: &["backend", "database"],
        lang: Lang::Python,
        version_cmd: "redis-server --version",
        concepts: &[
            (
                "key expiry (TTL)",
                "deletes a key automatically after a set time, which is how caches and rate-limit windows clean themselves up",
            ),
            (
                "eviction policies",
                "decide what Redis drops when it reaches `maxmemory`; `allkeys-lru` suits caches, while `noeviction` makes writes fail instead",
            ),
            ("pipelining", "sends many commands without waiting for each reply, cutting round trips"),
        ],
        errors: &[
            err!(
                "OOM command not allowed when used memory > 'maxmemory'",
                "write to the cache under load",
                "memory is full and the eviction policy is `noeviction`",
                "Set an eviction policy such as `allkeys-lru` for a pure cache, put TTLs on keys, or give it more memory.",
                ""
            ),
            err!(
                "MOVED 3999 10.0.0.12:6379",
                "use the client against the new cluster",
                "the key lives on another shard and the client is not cluster-aware",
                "Use the cluster client (`RedisCluster`) which follows MOVED redirects.",
                ""
            ),
        ],
        tasks: &[("cache expensive «noun» lookups with a TTL", "py_redis_cache")],
        tips: &[
            "Never run `KEYS *` in production; use `SCAN`.",
            "Give every cache key a TTL so stale entries disappear on their own.",
        ],
        slow: &[slow!(
            "Redis latency spikes every few minutes",
            "Check for big keys (`redis-cli --bigkeys`), slow commands in `SLOWLOG`, and RDB snapshots forking a large dataset.",
            ""
        )],
        libs: &["redis-py", "ioredis", "RedisInsight"],
    },
    Tech {
        name: "Git",
        domains: &["devops", "tooling"],
        lang: Lang::Bash,
        version_cmd: "git --version",
        concepts: &[
            (
                "rebase vs merge",
                "are two ways to integrate changes: merge keeps the history as it happened with a merge commit, rebase replays your commits on top for a linear history",
            ),
            (
                "the reflog",
                "records where HEAD and branches pointed recently, which is how you recover commits after a bad reset or rebase",
            ),
            (
                "`--force-with-lease`",
                "force-pushes only if the remote branch is still where you last saw it, so you do not overwrite a teammate's work",
            ),
        ],
        errors: &[
            err!(
                "fatal: refusing to merge unrelated histories",
                "pull from the new remote repository",
                "the two branches share no common commit (for example, both were initialised separately)",
                "If that is intended, merge once with `--allow-unrelated-histories`; otherwise you are pulling from the wrong remote.",
                ""
            ),
            err!(
                "error: failed to push some refs to 'origin' (non-fast-forward)",
                "push my feature branch after a rebase",
                "the rebase rewrote commits that were already pushed",
                "Push with `--force-with-lease`, and only on branches nobody else builds on.",
                "sh_git"
            ),
        ],
        tasks: &[("rebase my feature branch onto main and push it", "sh_git")],
        tips: &[
            "Commit small and often; it makes bisecting and reviewing easier.",
            "`git log --oneline --graph` shows where branches diverged.",
        ],
        slow: &[slow!(
            "monorepo clone takes 20 minutes",
            "Use a partial clone (`--filter=blob:none`) and sparse checkout, and enable `core.fsmonitor` for faster status.",
            ""
        )],
        libs: &["git-lfs", "pre-commit", "lazygit"],
    },
];

/// Techs that can produce each kind of question.
pub fn with_errors() -> impl Iterator<Item = &'static Tech> {
    TECHS.iter().filter(|t| !t.errors.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_referenced_snippet_exists() {
        for t in TECHS {
            for (_, id) in t.tasks {
                crate::spangen::code::by_id(id);
            }
            for e in t.errors {
                if !e.code.is_empty() {
                    crate::spangen::code::by_id(e.code);
                }
            }
            for s in t.slow {
                if !s.code.is_empty() {
                    crate::spangen::code::by_id(s.code);
                }
            }
            assert!(
                !t.concepts.is_empty() && !t.tasks.is_empty() && !t.tips.is_empty() && !t.slow.is_empty(),
                "{}",
                t.name
            );
        }
    }
}
