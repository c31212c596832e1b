//! The labelled corpus: positives of every kind in realistic surroundings
//! and false-positive traps. Precision and recall are counted per secret:
//! an expected secret entirely covered by a redaction is a true positive,
//! a redaction that touches no expected secret is a false positive.
//!
//! Run `cargo test -p enzyme-security --test corpus -- --nocapture` to see
//! the numbers and the per-kind table.

use super::{Instance, default_scanner, instantiate};
use std::collections::BTreeMap;

/// (template, what it exercises). See `common` for the `⟦gen:kind⟧` syntax.
pub const CORPUS: &[(&str, &str)] = &[
    // ---------------------------------------------------------------- AWS
    (
        "export AWS_ACCESS_KEY_ID=⟦akia:aws_access_key_id⟧\nexport AWS_SECRET_ACCESS_KEY=⟦awssecret:aws_secret_access_key⟧\nexport AWS_DEFAULT_REGION=us-east-1",
        "shell env",
    ),
    (
        "[default]\naws_access_key_id = ⟦akia:aws_access_key_id⟧\naws_secret_access_key = ⟦awssecret:aws_secret_access_key⟧\nregion = eu-west-1",
        "~/.aws/credentials",
    ),
    (
        "const client = new S3Client({ region: \"us-east-2\", credentials: { accessKeyId: \"⟦akia:aws_access_key_id⟧\", secretAccessKey: \"⟦awssecret:aws_secret_access_key⟧\" } });",
        "JS SDK",
    ),
    (
        "User name,Password,Access key ID,Secret access key,Console login link\nci-bot,,⟦akia:aws_access_key_id⟧,⟦awssecret:aws_secret_access_key⟧,https://123456789012.signin.aws.amazon.com/console",
        "credentials CSV",
    ),
    ("I rotated the key ⟦asia:aws_access_key_id⟧ yesterday but the old session still works.", "prose"),
    (
        "2024-05-01T10:00:00Z ERROR botocore.exceptions.ClientError: InvalidClientTokenId for access key ⟦akia:aws_access_key_id⟧",
        "log",
    ),
    // ---------------------------------------------------------------- GCP
    (
        "const firebaseConfig = {\n  apiKey: \"⟦aiza:gcp_api_key⟧\",\n  authDomain: \"demo-app.firebaseapp.com\",\n  projectId: \"demo-app\"\n};",
        "firebase config",
    ),
    ("curl \"https://maps.googleapis.com/maps/api/geocode/json?address=Lisbon&key=⟦aiza:gcp_api_key⟧\"", "maps URL"),
    (
        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-proj-123\",\n  \"private_key_id\": \"⟦hex40:gcp_service_account⟧\",\n  \"private_key\": \"⟦pemesc:gcp_service_account⟧\",\n  \"client_email\": \"ci@demo-proj-123.iam.gserviceaccount.com\"\n}",
        "service account JSON",
    ),
    (
        "creds = {\"type\": \"service_account\", \"private_key\": \"⟦pemesc:gcp_service_account⟧\", \"client_id\": \"104857392011223344556\"}",
        "service account dict",
    ),
    (
        "GOOGLE_CLIENT_ID=1234567890-abc.apps.googleusercontent.com\nGOOGLE_CLIENT_SECRET=⟦gocspx:gcp_oauth_client_secret⟧",
        "oauth env",
    ),
    (
        "{\"web\":{\"client_id\":\"1234-x.apps.googleusercontent.com\",\"client_secret\":\"⟦gocspx:gcp_oauth_client_secret⟧\"}}",
        "client_secret.json",
    ),
    // -------------------------------------------------------------- Azure
    (
        "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=demostore01;AccountKey=⟦azkey:azure_storage_key⟧;EndpointSuffix=core.windows.net\"",
        "storage conn string",
    ),
    (
        "var conn = \"DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=⟦azkey:azure_storage_key⟧\";",
        "C# conn string",
    ),
    (
        "Endpoint=sb://demo-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=⟦azsak:azure_shared_access_key⟧",
        "service bus",
    ),
    (
        "HostName=hub01.azure-devices.net;DeviceId=sensor-7;SharedAccessKey=⟦azsak:azure_shared_access_key⟧",
        "IoT hub device",
    ),
    (
        "https://demostore01.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=⟦azsas:azure_sas_token⟧",
        "SAS URL",
    ),
    (
        "az storage blob upload --sas-token \"?sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupitfx&se=2024-12-31T23:59:59Z&sig=⟦azsas:azure_sas_token⟧\" -f app.zip",
        "SAS token CLI",
    ),
    (
        "AZURE_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47\nAZURE_CLIENT_SECRET=⟦azad:azure_ad_client_secret⟧",
        "AAD env",
    ),
    (
        "{\"clientId\": \"0b5c1f6e-1111-4e2a-9c1a-123456789abc\", \"clientSecret\": \"⟦azad:azure_ad_client_secret⟧\"}",
        "AAD JSON",
    ),
    // ------------------------------------------------------------- GitHub
    ("git clone https://⟦ghp:github_pat⟧@github.com/acme/private-repo.git", "token in clone URL"),
    ("export GITHUB_TOKEN=⟦ghp:github_pat⟧", "env"),
    ("- name: Checkout\n  env:\n    GH_TOKEN: ⟦ghpat:github_fine_grained_pat⟧\n  run: gh pr list", "workflow YAML"),
    ("My fine-grained token ⟦ghpat:github_fine_grained_pat⟧ stopped working after the org policy change.", "prose"),
    ("curl -H \"Authorization: token ⟦gho:github_oauth_token⟧\" https://api.github.com/user", "Authorization: token"),
    (
        "Installation token ⟦ghs:github_app_token⟧ expires in 1h; the user token is ⟦ghu:github_app_token⟧.",
        "app tokens prose",
    ),
    (
        "{\"access_token\":\"⟦ghu:github_app_token⟧\",\"expires_in\":28800,\"refresh_token\":\"⟦ghr:github_refresh_token⟧\",\"token_type\":\"bearer\"}",
        "OAuth response",
    ),
    (
        "git remote set-url origin https://x-access-token:⟦ghs:github_app_token⟧@github.com/acme/app.git",
        "token as URL password",
    ),
    // ------------------------------------------------------------- GitLab
    ("GITLAB_TOKEN=⟦glpat:gitlab_pat⟧ glab mr list --assignee=@me", "env prefix"),
    ("curl --header \"PRIVATE-TOKEN: ⟦glpat:gitlab_pat⟧\" \"https://gitlab.example.com/api/v4/projects\"", "header"),
    (
        "gitlab-runner register --non-interactive --url https://gitlab.com/ --token ⟦glrt:gitlab_token⟧ --executor docker",
        "runner token",
    ),
    (
        "curl -X POST -F token=⟦glptt:gitlab_token⟧ -F ref=main https://gitlab.example.com/api/v4/projects/9/trigger/pipeline",
        "pipeline trigger",
    ),
    // ---------------------------------------------------------- npm / PyPI
    ("//registry.npmjs.org/:_authToken=⟦npm:npm_token⟧\nalways-auth=true", ".npmrc"),
    ("NPM_TOKEN=⟦npm:npm_token⟧ npm publish --access public", "npm env"),
    ("[distutils]\nindex-servers = pypi\n\n[pypi]\n  username = __token__\n  password = ⟦pypi:pypi_token⟧", ".pypirc"),
    ("twine upload -u __token__ -p ⟦pypi:pypi_token⟧ dist/*", "twine"),
    // -------------------------------------------------------------- Slack
    ("SLACK_BOT_TOKEN=⟦xoxb:slack_bot_token⟧\nSLACK_SIGNING_SECRET_FILE=/run/secrets/slack", "bot env"),
    (
        "client = WebClient(token=\"⟦xoxp:slack_user_token⟧\")\nclient.chat_postMessage(channel=\"#ops\", text=\"hi\")",
        "user token python",
    ),
    ("slack:\n  app_token: ⟦xapp:slack_app_token⟧\n  socket_mode: true", "app token YAML"),
    (
        "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deploy done\"}' ⟦slackhook:slack_webhook⟧",
        "webhook curl",
    ),
    ("SLACK_WEBHOOK_URL=⟦slackhook:slack_webhook⟧", "webhook env"),
    ("The legacy token ⟦xoxa:slack_token⟧ is still in the old config.", "legacy token"),
    // ------------------------------------------------------------- Stripe
    ("import stripe\nstripe.api_key = \"⟦sklive:stripe_secret_key⟧\"", "python"),
    ("STRIPE_SECRET_KEY=⟦sktest:stripe_secret_key⟧\nSTRIPE_PUBLISHABLE_KEY=⟦pktest:-⟧", "env with publishable key"),
    ("const stripe = require('stripe')('⟦rklive:stripe_restricted_key⟧');", "restricted key"),
    ("STRIPE_WEBHOOK_SECRET=⟦whsec:stripe_webhook_secret⟧", "webhook secret"),
    // ------------------------------------------------------------- Twilio
    ("TWILIO_ACCOUNT_SID=⟦twsid:-⟧\nTWILIO_AUTH_TOKEN=⟦hex32:twilio_auth_token⟧", "env"),
    (
        "curl -X POST https://api.twilio.com/2010-04-01/Accounts/⟦twsid@sid:-⟧/Messages.json --data-urlencode \"Body=hi\" -u ⟦@sid⟧:⟦hex32:twilio_auth_token⟧",
        "curl -u SID:token",
    ),
    ("client = Client(\"⟦twsk:twilio_api_key⟧\", api_secret, account_sid)", "API key SID"),
    (
        "account_sid = '⟦twsid:-⟧'\nauth_token = '⟦hex32:twilio_auth_token⟧'\nclient = Client(account_sid, auth_token)",
        "twilio quickstart",
    ),
    // ---------------------------------------------------- SendGrid / Mailgun
    ("SENDGRID_API_KEY='⟦sg:sendgrid_api_key⟧'", "env"),
    ("sg = SendGridAPIClient('⟦sg:sendgrid_api_key⟧')\nresponse = sg.send(message)", "python"),
    ("MAILGUN_API_KEY=⟦mailgun:mailgun_api_key⟧\nMAILGUN_DOMAIN=mg.example.com", "env"),
    ("requests.post(url, auth=(\"api\", \"⟦mailgun:mailgun_api_key⟧\"), data=data)", "python auth tuple"),
    // ----------------------------------------------- OpenAI / Anthropic / HF
    ("OPENAI_API_KEY=⟦openai:openai_api_key⟧", "legacy key env"),
    ("client = OpenAI(api_key=\"⟦openaiproj:openai_api_key⟧\")", "project key"),
    (
        "curl https://api.openai.com/v1/chat/completions -H \"Authorization: Bearer ⟦openaiproj:openai_api_key⟧\" -H \"Content-Type: application/json\"",
        "bearer openai",
    ),
    ("export ANTHROPIC_API_KEY=\"⟦anthropic:anthropic_api_key⟧\"", "env"),
    (
        "curl https://api.anthropic.com/v1/messages -H \"x-api-key: ⟦anthropic:anthropic_api_key⟧\" -H \"anthropic-version: 2023-06-01\"",
        "header",
    ),
    ("huggingface-cli login --token ⟦hf:huggingface_token⟧ --add-to-git-credential", "cli"),
    ("from huggingface_hub import login\nlogin(token=\"⟦hf:huggingface_token⟧\")", "python"),
    // --------------------------------------------------- Discord / Telegram
    ("DISCORD_TOKEN=⟦discord:discord_bot_token⟧", "env"),
    ("bot = commands.Bot(command_prefix=\"!\")\nbot.run('⟦discord:discord_bot_token⟧')", "python"),
    (
        "WEBHOOK = \"⟦discordhook:discord_webhook⟧\"\nrequests.post(WEBHOOK, json={\"content\": \"build failed\"})",
        "webhook",
    ),
    ("bot = telebot.TeleBot(\"⟦telegram:telegram_bot_token⟧\")", "python"),
    ("curl https://api.telegram.org/bot⟦telegram:telegram_bot_token⟧/getUpdates", "bot URL"),
    // ------------------------------------------------ Shopify / DO / age
    ("SHOPIFY_ACCESS_TOKEN=⟦shopify:shopify_token⟧\nSHOPIFY_SHOP=demo.myshopify.com", "shopify"),
    ("doctl auth init --access-token ⟦do:digitalocean_token⟧", "doctl"),
    (
        "# created: 2024-01-01T00:00:00Z\n# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n⟦age:age_secret_key⟧",
        "age key file",
    ),
    // ---------------------------------------------------------------- JWT
    ("Set-Cookie: session=⟦jwt:jwt⟧; Path=/; HttpOnly; Secure", "cookie"),
    ("{\"id_token\": \"⟦jwt:jwt⟧\", \"expires_in\": 3600}", "id_token"),
    ("Authorization: Bearer ⟦jwt:jwt⟧", "bearer JWT"),
    ("The decoded payload of ⟦jwt:jwt⟧ shows the user id.", "prose"),
    // ---------------------------------------------------------------- PEM
    ("Here is the deploy key:\n⟦pemrsa:rsa_private_key⟧\nAdd it to ~/.ssh/id_rsa and chmod 600.", "RSA block"),
    ("tls:\n  cert: /etc/tls/tls.crt\n  key: |\n    ⟦pemec_indent:ec_private_key⟧\n  port: 8443", "EC in YAML block"),
    ("$ cat ~/.ssh/id_ed25519\n⟦pemssh:openssh_private_key⟧\n$ ssh-add ~/.ssh/id_ed25519", "OpenSSH"),
    ("⟦pempgp:pgp_private_key⟧", "PGP"),
    ("KEY = \"⟦pempkcs8esc:pem_private_key⟧\"\nsigner = load_key(KEY)", "PKCS8 escaped"),
    ("```\n⟦pempkcs8:pem_private_key⟧\n```", "PKCS8 fenced"),
    ("openssl pkcs8 -topk8 -in key.pem -out enc.pem\n⟦pemenc:pem_private_key⟧", "encrypted PKCS8"),
    ("⟦pemdsa:pem_private_key⟧\n", "DSA"),
    ("The log printed the key before crashing:\n⟦pemtrunc:rsa_private_key⟧\n(output truncated)", "truncated block"),
    // ------------------------------------------------------ URL passwords
    ("DATABASE_URL=postgres://app_user:⟦pw:url_password⟧@db.internal:5432/app", "postgres env"),
    ("Connect with mysql://root:⟦pw:url_password⟧@127.0.0.1:3306/shop and run the migration.", "mysql prose"),
    (
        "MONGO_URI=\"mongodb+srv://admin:⟦pw:url_password⟧@cluster0.abcde.mongodb.net/test?retryWrites=true&w=majority\"",
        "mongodb+srv",
    ),
    ("REDIS_URL=redis://:⟦pw:url_password⟧@cache.example.com:6379/0", "redis empty user"),
    ("CELERY_BROKER_URL = 'amqp://worker:⟦pw:url_password⟧@rabbitmq:5672/%2f'", "amqp"),
    ("SQLALCHEMY_DATABASE_URI = \"postgresql+psycopg2://svc:⟦pw:url_password⟧@pg.prod:5432/orders\"", "sqlalchemy"),
    ("engine = create_engine(\"mysql+pymysql://reporter:⟦pw:url_password⟧@10.0.3.7/analytics\")", "pymysql"),
    ("jdbc:postgresql://pg:5432/db?user=app&password=⟦pw:password⟧&ssl=true", "jdbc query password"),
    (
        "mvn deploy -DaltDeploymentRepository=r::default::https://deploy:⟦pw:url_password⟧@nexus.example.org/repository/releases/",
        "https basic in URL",
    ),
    ("mongodb://backup:⟦pw:url_password⟧@mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0", "mongodb replica"),
    // ---------------------------------------------------- Bearer / Basic
    ("curl -H \"Authorization: Bearer ⟦tok:bearer_token⟧\" https://api.example.com/v2/items", "curl bearer"),
    (
        "headers = {\"Authorization\": f\"Bearer ⟦tok:bearer_token⟧\", \"Accept\": \"application/json\"}",
        "python headers",
    ),
    (
        "GET /api/v1/users HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer ⟦tok:bearer_token⟧\nAccept: */*",
        "raw HTTP",
    ),
    ("fetch(url, { headers: { authorization: 'bearer ⟦tok:bearer_token⟧' } })", "lower-case bearer"),
    ("Authorization: Basic ⟦basic:basic_auth⟧", "basic header"),
    ("curl -H 'Authorization: Basic ⟦basic:basic_auth⟧' https://registry.example.com/v2/_catalog", "basic curl"),
    ("curl -u admin:⟦pw:password⟧ https://jenkins.example.com/api/json", "curl -u"),
    // ------------------------------------------------ keyword assignments
    ("DB_HOST=localhost\nDB_USER=app\nDB_PASSWORD=⟦pw:password⟧\nDB_NAME=app", ".env"),
    ("PASSWORD = \"⟦pw:password⟧\"", "python constant"),
    ("{\"username\": \"svc-backup\", \"password\": \"⟦pw:password⟧\", \"host\": \"10.0.0.5\"}", "JSON"),
    ("database:\n  user: app\n  password: ⟦pw:password⟧\n  host: db", "YAML"),
    ("spring:\n  datasource:\n    url: jdbc:mysql://db/app\n    password: '⟦pw:password⟧'", "YAML quoted"),
    ("password := \"⟦pw:password⟧\"\ndb, err := sql.Open(\"mysql\", dsn(user, password))", "Go"),
    ("const config = { user: 'admin', password: '⟦pw:password⟧', host: 'db' };", "JS object"),
    ("$db_pass = '⟦pw:password⟧';\n$conn = new mysqli($host, $user, $db_pass);", "PHP"),
    ("spring.datasource.password=⟦pw:password⟧\nspring.datasource.username=app", "properties"),
    ("let api_token = \"⟦tok:token⟧\";", "Rust"),
    ("{\"client_id\": \"web\", \"client_secret\": \"⟦tok:secret⟧\"}", "client_secret JSON"),
    ("JWT_SECRET=⟦tok:secret⟧", "JWT secret env"),
    ("weather:\n  api_key: ⟦hex32:api_key⟧\n  units: metric", "api_key YAML hex"),
    ("x-api-key: ⟦tok:api_key⟧", "x-api-key header"),
    ("requests.get(url, params={\"apikey\": \"⟦tok:api_key⟧\", \"q\": city})", "apikey param"),
    ("ACCESS_TOKEN='⟦tok:token⟧'", "quoted env"),
    ("class Settings(BaseSettings):\n    password: str = \"⟦pw:password⟧\"", "typed python"),
    ("<appSettings>\n  <add key=\"SmtpPassword\" value=\"⟦pw:password⟧\" />\n</appSettings>", ".NET config"),
    ("<datasource>\n  <username>app</username>\n  <password>⟦pw:password⟧</password>\n</datasource>", "XML element"),
    ("mysqldump --user=root --password=⟦pw:password⟧ --all-databases > dump.sql", "--password="),
    ("docker login --username ci --password ⟦pw:password⟧ registry.example.com", "--password value"),
    ("GET /callback?code=4/0AX4Xf&access_token=⟦tok:token⟧&state=xyz HTTP/1.1", "query token"),
    ("SECRET_KEY = '⟦djangokey:secret⟧'\nDEBUG = False", "Django"),
    ("[smtp]\nhost = smtp.example.com\nuser = mailer\npassword = ⟦pw:password⟧", "ini"),
    (
        "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=⟦pw:password⟧\n      - POSTGRES_USER=app",
        "docker-compose",
    ),
    ("apiVersion: v1\nkind: Secret\nstringData:\n  api-token: ⟦tok:token⟧", "k8s stringData"),
    ("resource \"aws_db_instance\" \"main\" {\n  username = \"admin\"\n  password = \"⟦pw:password⟧\"\n}", "Terraform"),
    (
        "ActiveRecord::Base.establish_connection(:adapter => 'postgresql', :password => '⟦pw:password⟧')",
        "Ruby hash rocket",
    ),
    ("export REDIS_PASSWORD='⟦pw:password⟧'", "export quoted"),
    ("2024-03-02 12:00:01 DEBUG auth: login attempt user=bob password=⟦pw:password⟧ ip=10.1.2.3", "log line"),
    (
        "{\"level\":\"debug\",\"body\":\"{\\\"user\\\":\\\"bob\\\",\\\"password\\\":\\\"⟦pw:password⟧\\\"}\"}",
        "escaped JSON in JSON",
    ),
    ("Configuração do banco: DB_PASSWORD=⟦pw:password⟧ (não compartilhe)", "non-ASCII surroundings"),
    ("passphrase: \"⟦pw:password⟧\"\nkey_file: ~/.ssh/id_rsa", "passphrase"),
    ("-e MYSQL_ROOT_PASSWORD=⟦pw:password⟧ -p 3306:3306 mysql:8", "docker -e"),
    ("private_key = '⟦tok:secret⟧'", "private_key value"),
    ("{\"webhook\": {\"signing_secret\": \"⟦tok:secret⟧\"}}", "signing_secret"),
    ("settings.AUTH_TOKEN = \"⟦tok:token⟧\"", "AUTH_TOKEN attr"),
    // --------------------------------------------------------- prose / entropy
    ("My password is ⟦pw:password⟧ but please don't share it.", "prose password"),
    ("Use the API key ⟦tok:high_entropy_secret⟧ for staging.", "prose API key"),
    ("| service | ci token | ⟦tok:high_entropy_secret⟧ |", "table"),
    ("The secret was rotated to ⟦hex32:high_entropy_secret⟧ last night.", "hex secret prose"),
    ("Senha / password: ⟦pw:password⟧", "bilingual label"),
    // ------------------------------------------------------------ traps
    ("password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())", "password_hash variable"),
    ("If you forgot it, click \"Reset your password\" and follow the link we email you.", "reset your password"),
    ("password = \"${DB_PASSWORD}\"", "template placeholder"),
    ("DB_PASSWORD=changeme", "changeme"),
    ("api_key = \"<your-api-key>\"", "angle placeholder"),
    ("OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "masked key"),
    ("request_id=⟦uuid:-⟧ completed in 35ms", "UUID"),
    ("{\"trace_id\": \"⟦uuid:-⟧\", \"span_id\": \"⟦hex16:-⟧\"}", "trace ids"),
    (
        "commit ⟦gitsha:-⟧\nAuthor: Jane Doe <jane@example.com>\nDate:   Mon Mar 4 10:00:00 2024 +0100\n\n    Fix token refresh race",
        "git log",
    ),
    ("git checkout ⟦gitsha:-⟧ && git cherry-pick ⟦gitsha:-⟧", "git SHAs"),
    (
        "\"node_modules/lodash\": {\n  \"version\": \"4.17.21\",\n  \"resolved\": \"https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz\",\n  \"integrity\": \"⟦sha512:-⟧\"\n}",
        "package-lock",
    ),
    (
        "lodash@^4.17.21:\n  version \"4.17.21\"\n  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#⟦gitsha:-⟧\"\n  integrity ⟦sha512:-⟧",
        "yarn.lock",
    ),
    (
        "[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"⟦hex64:-⟧\"",
        "Cargo.lock",
    ),
    ("⟦hex64:-⟧  logline-x86_64.tar.gz", "sha256sum"),
    ("<img src=\"data:image/png;base64,⟦b64img:-⟧\" alt=\"logo\">", "data URI image"),
    ("The token endpoint returns a JSON body with access_token, token_type and expires_in.", "token prose"),
    ("response = client.chat(model=\"gpt-4o\", max_tokens=4096, temperature=0.2, top_p=0.95)", "max_tokens"),
    ("{\"tokens_used\": 1532, \"prompt_tokens\": 1200, \"completion_tokens\": 332}", "token counts"),
    ("def login(username: str, password: str) -> Token:\n    ...", "type hints"),
    ("password = getpass.getpass(\"Password: \")", "getpass"),
    ("password = os.environ[\"DB_PASSWORD\"]", "environ"),
    ("<input type=\"password\" name=\"password\" placeholder=\"Enter your password\">", "HTML input"),
    ("if (!password || password.length < 8) { throw new Error(\"password too short\"); }", "validation code"),
    ("Bearer tokens are sent in the Authorization header: Authorization: Bearer <token>", "bearer docs"),
    ("curl -H \"Authorization: Bearer $ACCESS_TOKEN\" https://api.example.com/v1/me", "bearer env var"),
    (
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS doc example",
    ),
    (
        "The docs use AKIAI44QH8DHBEXAMPLE and je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY as placeholders.",
        "AWS doc example prose",
    ),
    (
        "Try the example token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c on jwt.io.",
        "jwt.io example",
    ),
    ("stripe.api_key = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"", "Stripe docs key"),
    ("⟦pubkey:-⟧\n⟦cert:-⟧", "public key and certificate"),
    ("⟦sshpub:-⟧", "ssh public key"),
    ("postgres://user:password@localhost:5432/mydb", "placeholder URL password"),
    ("DATABASE_URL=postgres://app:${DB_PASS}@db:5432/app", "env var in URL"),
    ("mongodb://<username>:<password>@cluster0.mongodb.net/", "angle placeholders in URL"),
    ("https://example.com:8443/api/v1/status?user=a@b.com", "port and email"),
    ("Email jane.doe@example.com or see http://example.com/docs for details.", "email"),
    (
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password",
        "k8s secretKeyRef",
    ),
    ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-keys\ntype: Opaque", "k8s Secret kind"),
    ("token_type: Bearer\nexpires_in: 3600\nscope: read", "token_type"),
    ("The CSRF token is validated on every POST request.", "CSRF prose"),
    ("echo \"$PW\" | docker login --username ci --password-stdin registry.example.com", "--password-stdin"),
    ("PWD=/home/runner/work/app\nHOME=/home/runner", "PWD path"),
    ("primary_key = \"id\"\nsession_key_prefix = \"sess:\"", "key-ish names"),
    ("idempotency_key = \"⟦uuid:-⟧\"", "idempotency key UUID"),
    ("cache_key = f\"user:{user_id}:profile\"", "cache key"),
    ("public_key = \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host\"", "public_key"),
    ("Keys look like sk_live_... and rk_live_...; never commit them.", "truncated doc keys"),
    (
        "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "Slack docs webhook",
    ),
    ("TWILIO_ACCOUNT_SID=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "Twilio docs SID"),
    ("The key has 2048 bits; the secret sharing threshold is 3 of 5.", "key prose"),
    ("tokenizer = AutoTokenizer.from_pretrained(\"bert-base-uncased\")", "tokenizer"),
    (
        "The token refresh logic lives in OAuth2AccessTokenProviderFactory and TokenRefreshScheduler.",
        "identifiers after keyword",
    ),
    ("secret-manager v2.14.3 released 2024-05-01", "versions"),
    ("Password must contain at least 12 characters, 1 digit and 1 symbol.", "password policy"),
    ("API keys are rotated every 90 days; see docs/security/rotation.md for details.", "rotation prose"),
    ("Pushed with token auth, digest: sha256:⟦hex64:-⟧", "image digest"),
    ("{\"password\": \"********\"}", "masked JSON"),
    ("db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ⟦hex64:-⟧", "ansible vault"),
    ("Base64 example: basic dGhpcyBpcyBub3QgYSBjcmVkZW50aWFs", "basic without colon"),
    ("WWW-Authenticate: Basic realm=\"Restricted\"", "basic realm"),
    ("arn:aws:iam::123456789012:role/service-role/MyRole", "ARN"),
    ("correlation=⟦hex32:-⟧ status=200 duration=12ms", "hex correlation id"),
    ("{\"thumbnail\": \"⟦b64img:-⟧\"}", "base64 blob"),
    ("The Slack bot token starts with xoxb- and user tokens with xoxp-.", "prefix docs"),
    ("Generate a token with: openssl rand -hex 32", "openssl"),
    ("export GITHUB_TOKEN=$(gh auth token)", "command substitution"),
    ("token = request.headers.get(\"Authorization\", \"\").removeprefix(\"Bearer \")", "header parsing"),
    ("secret = secrets.token_urlsafe(32)", "secrets module"),
    ("password: null\nusername: admin", "YAML null"),
    ("{\"api_key\": \"\", \"enabled\": false}", "empty key"),
    ("PASSWORD_MIN_LENGTH=12\nTOKEN_TTL_SECONDS=3600", "settings names"),
    ("See https://github.com/acme/app/commit/⟦gitsha:-⟧ for the fix.", "commit URL"),
    ("token id ⟦uuid:-⟧ was revoked", "UUID after keyword"),
    ("Set ANTHROPIC_API_KEY in your shell (e.g. export ANTHROPIC_API_KEY=sk-ant-...).", "truncated example"),
    ("A senha deve ter pelo menos 8 caracteres e o token expira em 30 minutos.", "Portuguese prose"),
    ("const passwordInput = document.querySelector('#password');\npasswordInput.type = 'password';", "DOM code"),
    ("auth:\n  type: token\n  token_url: https://auth.example.com/oauth/token", "token_url"),
    ("We use HMAC-SHA256 with a per-tenant secret; the digest is ⟦hex64:-⟧.", "digest after secret"),
    ("git log --format='%H %s' | head -1\n⟦gitsha:-⟧ Bump version to 2.3.1", "sha in log output"),
    ("Authorization: Bearer YOUR_ACCESS_TOKEN", "bearer uppercase placeholder"),
    ("\"password\": \"Password\",\n\"password_placeholder\": \"Enter your password\"", "i18n strings"),
    ("UUIDs like ⟦uuid:-⟧ and ⟦uuid:-⟧ identify sessions.", "two UUIDs"),
    // ------------------------------------------- second batch (held out)
    ("import os\nos.environ[\"OPENAI_API_KEY\"] = \"⟦openai:openai_api_key⟧\"", "environ assignment"),
    ("$env:GITHUB_TOKEN = \"⟦ghp:github_pat⟧\"", "PowerShell"),
    ("set PGPASSWORD=⟦pw:password⟧\npsql -h db -U app", "cmd set"),
    ("heroku config:set STRIPE_KEY=⟦sklive:stripe_secret_key⟧ -a shop", "heroku"),
    ("kubectl create secret generic db --from-literal=password=⟦pw:password⟧", "kubectl literal"),
    ("gh secret set NPM_TOKEN --body \"⟦npm:npm_token⟧\"", "gh secret"),
    ("- run: echo \"//npm.pkg.github.com/:_authToken=⟦ghp:github_pat⟧\" >> ~/.npmrc", "npmrc echo"),
    ("{\"headers\": {\"authorization\": \"Bearer ⟦tok:bearer_token⟧\", \"accept\": \"*/*\"}}", "JSON headers"),
    ("wget --header=\"Authorization: Bearer ⟦tok:bearer_token⟧\" https://files.example.com/backup.tar", "wget"),
    (
        "{\"aws_access_key_id\": \"⟦akia:aws_access_key_id⟧\", \"aws_secret_access_key\": \"⟦awssecret:aws_secret_access_key⟧\"}",
        "AWS JSON",
    ),
    ("AWS_SESSION_TOKEN=⟦tok:token⟧", "session token"),
    ("PGPASSWORD=⟦pw:password⟧ psql -h db -U app -c 'select 1'", "inline env"),
    ("redis-cli -h cache -a ⟦pw:password⟧ ping", "redis-cli -a"),
    ("mysql -uroot -p⟦pw:password⟧ shop < dump.sql", "mysql -p"),
    ("sshpass -p '⟦pw:password⟧' ssh deploy@10.0.0.4", "sshpass"),
    ("{\"Authorization\": \"Basic ⟦basic:basic_auth⟧\"}", "basic JSON"),
    ("{\"token\": \"⟦xoxb:slack_bot_token⟧\", \"channel\": \"C0123456\"}", "slack JSON"),
    ("grant_type=client_credentials&client_id=svc&client_secret=⟦tok:secret⟧", "form body"),
    ("export SENTRY_AUTH_TOKEN=⟦hex64:sentry_token⟧", "hex64 token (Sentry key)"),
    ("api_key=\"⟦hex32:api_key⟧\"", "hex32 api_key"),
    ("providers:\n  - name: weather\n    api_key: ⟦tok:api_key⟧", "YAML list"),
    ("Here's my token: ⟦ghp:github_pat⟧, can you check why it fails?", "prose token"),
    ("I accidentally committed the key ⟦sklive:stripe_secret_key⟧ to the repo.", "prose stripe"),
    (
        "{\"conn\": \"DefaultEndpointsProtocol=https;AccountName=x;AccountKey=⟦azkey:azure_storage_key⟧;EndpointSuffix=core.windows.net\"}",
        "conn string JSON",
    ),
    ("Reset link: https://app.example.com/reset?token=⟦jwt:jwt⟧", "JWT in URL"),
    ("requests.get(url, headers={\"X-API-KEY\": \"⟦tok:api_key⟧\"})", "X-API-KEY"),
    ("[auth]\ntoken = \"⟦tok:token⟧\"\nendpoint = \"https://api.example.com\"", "TOML"),
    ("private static final String API_KEY = \"⟦tok:api_key⟧\";", "Java constant"),
    ("#define WIFI_PASSWORD \"⟦pw:password⟧\"", "C define"),
    ("let apiKey = \"⟦tok:api_key⟧\"", "Swift"),
    ("const val SECRET = \"⟦tok:secret⟧\"", "Kotlin"),
    ("apiVersion: v1\nkind: Secret\ndata:\n  password: ⟦basic:password⟧", "k8s base64 data"),
    ("The API returned 401 Unauthorized because the token had expired at 2024-05-01T10:00:00Z.", "expired token prose"),
    (
        "npm ERR! code E401\nnpm ERR! Unable to authenticate, your authentication token seems to be invalid.",
        "npm error",
    ),
    ("const token = await getAccessTokenSilently();", "await token"),
    (
        "def verify_password(plain_password, hashed_password):\n    return pwd_context.verify(plain_password, hashed_password)",
        "verify_password",
    ),
    (
        "user.set_password(form.cleaned_data[\"password1\"])\npassword1 = forms.CharField(widget=forms.PasswordInput)",
        "django forms",
    ),
    (
        "$ ssh-keygen -t ed25519 -C \"me@example.com\"\nYour identification has been saved in /home/me/.ssh/id_ed25519",
        "ssh-keygen",
    ),
    (
        "{\"sha\": \"⟦gitsha:-⟧\", \"node_id\": \"C_kwDOABCD\", \"url\": \"https://api.github.com/repos/a/b/commits/⟦gitsha:-⟧\"}",
        "GitHub API commit",
    ),
    ("etag: W/\"⟦hex32:-⟧\"", "etag"),
    ("TOKEN_EXPIRY = timedelta(hours=1)\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")", "env() call"),
    ("api_key = settings.STRIPE_KEY", "settings reference"),
    ("\"password\": \"password\"", "password placeholder"),
    ("passwd:         files systemd\ngroup:          files systemd", "nsswitch"),
    ("cat /etc/passwd | grep root", "etc passwd"),
    ("Token counts: input 1,234 / output 567", "token counts prose"),
    ("The build hash is 3f2a9c1 and the token count is 4096.", "build hash"),
    ("Use scikit-learn (sk-learn) for the baseline and a key-value store for caching.", "sk-learn"),
    ("session_id=⟦hex32:-⟧; path=/", "session id hex"),
];

#[derive(Default)]
struct Tally {
    tp: usize,
    fn_: usize,
    kind_ok: usize,
}

fn covered(found: &[enzyme_security::scan::Finding], s: usize, e: usize) -> bool {
    // Findings are sorted and disjoint; walk them to see if [s, e) is covered.
    let mut pos = s;
    for f in found {
        if f.end <= pos {
            continue;
        }
        if f.start > pos {
            break;
        }
        pos = f.end;
        if pos >= e {
            return true;
        }
    }
    pos >= e
}

pub struct Outcome {
    pub precision: f64,
    pub recall: f64,
    pub kind_accuracy: f64,
    pub partial: usize,
    pub report: String,
}

pub fn evaluate(cases: &[Instance]) -> Outcome {
    let scanner = default_scanner();
    let mut per_kind: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let (mut tp, mut fp, mut fn_, mut partial, mut kind_ok) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut report = String::new();
    for (i, inst) in cases.iter().enumerate() {
        let found = scanner.find(&inst.text, None);
        for e in inst.expect.iter().filter(|e| e.kind.is_some()) {
            let kind = e.kind.unwrap();
            let t = per_kind.entry(kind.name()).or_default();
            if covered(&found, e.start, e.end) {
                tp += 1;
                t.tp += 1;
                let f = found.iter().find(|f| f.start <= e.start && f.end > e.start).unwrap();
                if f.kind == kind {
                    kind_ok += 1;
                    t.kind_ok += 1;
                } else {
                    report.push_str(&format!(
                        "case {i} ({}): kind {} reported as {}\n",
                        CORPUS[i].1,
                        kind.name(),
                        f.kind.name()
                    ));
                }
            } else {
                fn_ += 1;
                t.fn_ += 1;
                let touched = found.iter().any(|f| f.start < e.end && e.start < f.end);
                if touched {
                    partial += 1;
                }
                report.push_str(&format!(
                    "case {i} ({}): MISSED {}{}\n    text: {:?}\n",
                    CORPUS[i].1,
                    kind.name(),
                    if touched { " (partially redacted!)" } else { "" },
                    inst.text
                ));
            }
        }
        for f in &found {
            let hits_secret = inst.expect.iter().any(|e| e.kind.is_some() && f.start < e.end && e.start < f.end);
            if !hits_secret {
                fp += 1;
                report.push_str(&format!(
                    "case {i} ({}): FALSE POSITIVE {} on {:?}\n",
                    CORPUS[i].1,
                    f.kind.name(),
                    &inst.text[f.start..f.end]
                ));
            }
        }
    }
    report.push_str("\nper kind (tp / missed / kind correct):\n");
    for (k, t) in &per_kind {
        report.push_str(&format!("  {k:<26} {:>3} / {:>2} / {:>3}\n", t.tp, t.fn_, t.kind_ok));
    }
    let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
    let recall = if tp + fn_ == 0 { 1.0 } else { tp as f64 / (tp + fn_) as f64 };
    let kind_accuracy = if tp == 0 { 1.0 } else { kind_ok as f64 / tp as f64 };
    report.push_str(&format!(
        "\ncases {} | expected secrets {} | TP {tp} FP {fp} FN {fn_} partial {partial}\nprecision {precision:.4} recall {recall:.4} kind accuracy {kind_accuracy:.4}\n",
        cases.len(),
        tp + fn_
    ));
    Outcome { precision, recall, kind_accuracy, partial, report }
}

pub fn instances(seed: u64) -> Vec<Instance> {
    CORPUS.iter().enumerate().map(|(i, (t, _))| instantiate(t, seed * 1000 + i as u64)).collect()
}
