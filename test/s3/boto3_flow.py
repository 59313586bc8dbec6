"""One S3 session with boto3 against the emulator (test/s3/boto3.test.ts drives it).

argv[1] is a JSON object: endpoint, access_key, secret_key, steps (a list of step names).
Prints one JSON object: for each step, its result or {"error": <S3 error code>, "status": <HTTP status>}.
"""
import hashlib
import io
import json
import sys
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

args = json.loads(sys.argv[1])
s3 = boto3.client(
    "s3",
    endpoint_url=args["endpoint"],
    aws_access_key_id=args["access_key"],
    aws_secret_access_key=args["secret_key"],
    region_name="us-east-1",
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
BUCKET = args.get("bucket", "boto3-bucket")
BIG = bytes(range(256)) * (11 * 1024 * 1024 // 256)


def step(name):
    if name == "list_buckets":
        return sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    if name == "create_bucket":
        s3.create_bucket(Bucket=BUCKET)
        return "created"
    if name == "put_get":
        etag = s3.put_object(Bucket=BUCKET, Key="dir/hello.txt", Body=b"hello boto3", ContentType="text/plain")["ETag"]
        got = s3.get_object(Bucket=BUCKET, Key="dir/hello.txt")
        return {"etag": etag, "body": got["Body"].read().decode(), "type": got["ContentType"]}
    if name == "stream_upload":
        # upload_fileobj: multipart above the threshold, parts of 5 MiB
        s3.upload_fileobj(io.BytesIO(BIG), BUCKET, "big.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
        head = s3.head_object(Bucket=BUCKET, Key="big.bin")
        body = s3.get_object(Bucket=BUCKET, Key="big.bin", Range="bytes=0-9")["Body"].read()
        full = s3.get_object(Bucket=BUCKET, Key="big.bin")["Body"].read()
        return {"etag": head["ETag"], "size": head["ContentLength"], "range": list(body), "md5": hashlib.md5(full).hexdigest(), "expected_md5": hashlib.md5(BIG).hexdigest()}
    if name == "list_objects":
        page = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
        return {"keys": [o["Key"] for o in page.get("Contents", [])], "prefixes": [p["Prefix"] for p in page.get("CommonPrefixes", [])]}
    if name == "presigned":
        url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "dir/hello.txt"}, ExpiresIn=60)
        with urllib.request.urlopen(url) as res:
            return res.read().decode()
    if name == "copy_delete":
        s3.copy_object(Bucket=BUCKET, Key="copy.txt", CopySource={"Bucket": BUCKET, "Key": "dir/hello.txt"})
        deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "copy.txt"}, {"Key": "big.bin"}]})
        return sorted(d["Key"] for d in deleted.get("Deleted", []))
    if name == "get":
        return s3.get_object(Bucket=BUCKET, Key="dir/hello.txt")["Body"].read().decode()
    raise ValueError(name)


out = {"boto3": boto3.__version__}
for name in args["steps"]:
    try:
        out[name] = step(name)
    except ClientError as err:
        out[name] = {"error": err.response["Error"]["Code"], "status": err.response["ResponseMetadata"]["HTTPStatusCode"]}
print(json.dumps(out))
